// SPDX-License-Identifier: Apache-2.0
import { answering, ApiError, caUnavailable } from '@consortia/common';

import { ROLES } from '../auth/permissions';
import type { DappClient } from '../dapp/client';
import { DappError } from '../dapp/client';

/**
 * The one role a user's certificate carries (`consortia.role`), for chaincode to read: the
 * strongest of the built-in roles they hold (admin, operator, member, auditor, in that order),
 * else their first role.
 */
export function certificateRole(roles: readonly string[]): string {
  const builtIn = ROLES.find((role) => roles.includes(role));
  const role = builtIn ?? [...roles].sort()[0];
  if (!role) throw new Error('a user has at least one role');
  return role;
}

/**
 * Registers and enrolls the user's Fabric identity at the org's CA through the DAPP, which makes
 * and keeps the key; returns the identity name the user's writes are signed with. The DAPP
 * answers an identity enrolled already as it is, so a creation that failed after this step is
 * retried by creating the user again.
 */
/** The DAPP identity a user's own Fabric identity is signed with. */
export const ownIdentityName = (username: string): string => `user:${username}`;

/** The DAPP's refusals about identities, as the app-api answers them. */
function identityAnswer(error: unknown): unknown {
  if (error instanceof DappError && error.code === 'CA_UNAVAILABLE') return caUnavailable();
  if (error instanceof DappError && (error.status === 409 || error.status === 404)) {
    return new ApiError(error.status, error.code, error.message);
  }
  return error;
}

const answered = <T>(work: () => Promise<T>): Promise<T> => answering(work, identityAnswer);

/**
 * Registers and enrolls the user's Fabric identity at the org's CA through the DAPP, which makes
 * and keeps the key; returns the identity name the user's writes are signed with. The DAPP
 * answers an identity enrolled already as it is, so a creation that failed after this step is
 * retried by creating the user again.
 */
export async function enrollUserIdentity(
  dapp: DappClient,
  username: string,
  roles: readonly string[],
): Promise<string> {
  return answered(
    async () => (await dapp.enrollUserIdentity(username, certificateRole(roles))).identity,
  );
}

const SHOWN = [
  'identity',
  'enrollmentId',
  'mspId',
  'certificate',
  'serialNumber',
  'notAfter',
  'revoked',
  'crl',
] as const;

/** A user's own identity at the DAPP: read, re-enrolled or revoked, with the fields the API shows. */
export async function manageUserIdentity(
  dapp: DappClient,
  username: string,
  action?: 'reenroll' | 'revoke',
  reason?: string,
): Promise<Record<string, unknown>> {
  const answer = await answered(() => dapp.userIdentity(username, action, reason));
  return Object.fromEntries(SHOWN.filter((key) => key in answer).map((key) => [key, answer[key]]));
}
