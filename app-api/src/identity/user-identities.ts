// SPDX-License-Identifier: Apache-2.0
import { ApiError } from '@consortia/common';

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
export async function enrollUserIdentity(
  dapp: DappClient,
  username: string,
  roles: readonly string[],
): Promise<string> {
  try {
    return (await dapp.enrollUserIdentity(username, certificateRole(roles))).identity;
  } catch (error) {
    if (error instanceof DappError && error.code === 'CA_UNAVAILABLE') {
      throw new ApiError(
        503,
        'CA_UNAVAILABLE',
        "the organization's certificate authority cannot be reached; the user was not created, retry later",
        undefined,
        { 'retry-after': '5' },
      );
    }
    if (error instanceof DappError && error.status === 409) {
      throw new ApiError(409, error.code, error.message);
    }
    throw error;
  }
}
