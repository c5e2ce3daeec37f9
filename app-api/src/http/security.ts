// SPDX-License-Identifier: Apache-2.0
import type { RequestHandler } from 'express';

import type { Principal } from '../auth/permissions';
import { isPermission } from '../auth/permissions';
import type { AccessClaims, AccessTokens } from '../auth/tokens';
import type { AppMetrics } from '../metrics';
import type { UserStore } from '../store/users';
import { principalOf, setPrincipal } from './context';
import { ApiError } from './errors';
import { isPublic } from './openapi';
import { operationOf } from './validation';

const BEARER = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;
const CHALLENGE = 'Bearer realm="app-api"';

/**
 * The caller a verified access token names, loaded from the database (for HTTP requests and event
 * streams alike): a session ended by logout, or a disabled user, is refused although the token
 * has not expired yet. `denied` hears why; `sessionEndedHeaders` go with that refusal.
 */
export async function tokenPrincipal(
  users: UserStore,
  claims: AccessClaims,
  options: {
    denied?: (reason: 'session_revoked' | 'disabled') => void;
    sessionEndedHeaders?: Record<string, string>;
  } = {},
): Promise<Principal> {
  const found = await users.principal(claims.sub, claims.sid);
  if (!found || found.sessionRevoked) {
    options.denied?.('session_revoked');
    throw new ApiError(
      401,
      'SESSION_REVOKED',
      'the session has ended; log in again',
      undefined,
      options.sessionEndedHeaders,
    );
  }
  if (found.user.disabled) {
    options.denied?.('disabled');
    throw new ApiError(401, 'ACCOUNT_DISABLED', 'the account is disabled');
  }
  return {
    userId: found.user.id,
    username: found.user.username,
    sessionId: claims.sid,
    roles: found.user.roles,
    permissions: new Set(found.permissions),
    fabricIdentity: found.user.fabricIdentity ?? undefined,
  };
}

/**
 * Requires a valid access token on every operation that is not public, then loads the caller
 * from the database: a disabled user, or a session ended by logout, is refused at once even
 * though the token has not expired yet.
 */
export function authenticate(
  tokens: AccessTokens,
  users: UserStore,
  metrics: AppMetrics,
): RequestHandler {
  return async (request, response, next) => {
    const operation = operationOf(request);
    if (!operation || isPublic(operation.schema)) {
      next();
      return;
    }
    const header = request.get('authorization');
    if (!header) {
      metrics.denied.inc({ reason: 'unauthenticated' });
      throw new ApiError(
        401,
        'UNAUTHENTICATED',
        'send Authorization: Bearer <accessToken> (from POST /v1/auth/login)',
        undefined,
        { 'WWW-Authenticate': CHALLENGE },
      );
    }
    const token = BEARER.exec(header)?.[1];
    if (!token) {
      metrics.denied.inc({ reason: 'invalid_token' });
      throw new ApiError(
        401,
        'INVALID_TOKEN',
        'the Authorization header is not a bearer JWT',
        {},
        {
          'WWW-Authenticate': `${CHALLENGE}, error="invalid_token"`,
        },
      );
    }
    let claims;
    try {
      claims = await tokens.verify(token);
    } catch (error) {
      metrics.denied.inc({ reason: 'invalid_token' });
      throw error;
    }
    const principal = await tokenPrincipal(users, claims, {
      denied: (reason) => metrics.denied.inc({ reason }),
      sessionEndedHeaders: { 'WWW-Authenticate': `${CHALLENGE}, error="invalid_token"` },
    });
    setPrincipal(response, principal);
    next();
  };
}

/** Refuses a caller whose roles do not grant the operation's `x-permission`. */
export function authorize(metrics: AppMetrics): RequestHandler {
  return (request, response, next) => {
    const operation = operationOf(request);
    if (!operation || isPublic(operation.schema)) {
      next();
      return;
    }
    const permission = operation.schema['x-permission'];
    // An operation without a known permission is a mistake in the document: refuse, never allow.
    if (!isPermission(permission)) {
      throw new Error(`operation ${operation.schema.operationId} names no known x-permission`);
    }
    const principal = principalOf(response);
    if (!principal) throw new ApiError(401, 'UNAUTHENTICATED', 'authentication is required');
    if (!principal.permissions.has(permission)) {
      metrics.denied.inc({ reason: 'forbidden' });
      throw new ApiError(
        403,
        'FORBIDDEN',
        `${operation.schema.operationId} needs the permission '${permission}', which the role(s) ${principal.roles.join(', ') || '(none)'} do not grant`,
        { permission },
      );
    }
    next();
  };
}
