// SPDX-License-Identifier: Apache-2.0
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
