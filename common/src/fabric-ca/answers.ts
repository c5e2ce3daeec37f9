// SPDX-License-Identifier: Apache-2.0
import { z } from 'zod';

import { ApiError } from '../http/errors';

/** The reasons a certificate is revoked for, as Fabric CA names them (CRL reason codes). */
export const REVOCATION_REASONS = [
  'unspecified',
  'keycompromise',
  'affiliationchange',
  'superseded',
  'cessationofoperation',
  'certificatehold',
  'privilegewithdrawn',
] as const;

/** The one answer for an organization's CA that cannot be reached: nothing changed, retry. */
export function caUnavailable(): ApiError {
  return new ApiError(
    503,
    'CA_UNAVAILABLE',
    "the organization's certificate authority cannot be reached; nothing was changed, retry later",
    undefined,
    { 'retry-after': '5' },
  );
}

/** Runs `work`; a failure is thrown as what `answerFor` makes of it (the API's answer). */
export async function answering<T>(
  work: () => Promise<T>,
  answerFor: (error: unknown) => unknown,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw answerFor(error);
  }
}

/**
 * A user's Fabric identity as the DAPP answers it and the app-api passes it on: one definition
 * for both documents.
 */
export const userIdentityFields = {
  identity: z.string().describe('The DAPP identity the user signs with: `user:<user>`'),
  enrollmentId: z.string(),
  mspId: z.string(),
  certificate: z.string().describe('The enrollment certificate (PEM)'),
  serialNumber: z.string(),
  notAfter: z.string().describe('When the certificate expires: re-enroll before'),
  revoked: z.boolean(),
};
