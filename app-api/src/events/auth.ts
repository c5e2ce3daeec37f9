// SPDX-License-Identifier: Apache-2.0
import type { Principal } from '../auth/permissions';
import type { AccessTokens } from '../auth/tokens';
import { ApiError } from '../http/errors';
import type { UserStore } from '../store/users';

/**
 * Checks a stream's access token as the HTTP API checks a request's: a valid token, a session
 * that has not ended, a user who is not disabled.
 */
export function streamAuthenticator(
  tokens: AccessTokens,
  users: UserStore,
): (token: string) => Promise<Principal> {
  return async (token) => {
    const claims = await tokens.verify(token);
    const found = await users.principal(claims.sub, claims.sid);
    if (!found || found.sessionRevoked)
      throw new ApiError(401, 'SESSION_REVOKED', 'the session has ended; log in again');
    if (found.user.disabled) throw new ApiError(401, 'ACCOUNT_DISABLED', 'the account is disabled');
    return {
      userId: found.user.id,
      username: found.user.username,
      sessionId: claims.sid,
      roles: found.user.roles,
      permissions: new Set(found.permissions),
      fabricIdentity: found.user.fabricIdentity ?? undefined,
    };
  };
}
