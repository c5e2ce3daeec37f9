// SPDX-License-Identifier: Apache-2.0
import type { Principal } from '../auth/permissions';
import type { AccessTokens } from '../auth/tokens';
import { tokenPrincipal } from '../http/security';
import type { UserStore } from '../store/users';

/**
 * Checks a stream's access token as the HTTP API checks a request's: a valid token, a session
 * that has not ended, a user who is not disabled.
 */
export function streamAuthenticator(
  tokens: AccessTokens,
  users: UserStore,
): (token: string) => Promise<Principal> {
  return async (token) => tokenPrincipal(users, await tokens.verify(token));
}
