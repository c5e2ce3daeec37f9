// SPDX-License-Identifier: Apache-2.0
import type { Response } from 'express';

import type { Principal } from '../auth/permissions';
import { ApiError } from './errors';

/** What a route tells the audit trail about the request beyond method, path and status. */
export interface AuditNote {
  /** Who, when no one is authenticated (a login attempt names a user). */
  userId?: string;
  username?: string;
  target?: string;
  requestId?: string;
  txId?: string;
  detail?: Record<string, unknown>;
}

// response.locals is untyped; these accessors are the only place it is read or written.

export function setPrincipal(response: Response, principal: Principal): void {
  response.locals.principal = principal;
}

export function principalOf(response: Response): Principal | undefined {
  return response.locals.principal as Principal | undefined;
}

/** The authenticated caller; routes behind authentication always have one. */
export function callerOf(response: Response): Principal {
  const principal = principalOf(response);
  if (!principal) throw new ApiError(401, 'UNAUTHENTICATED', 'authentication is required');
  return principal;
}

export function note(response: Response, details: AuditNote): void {
  response.locals.audit = { ...(response.locals.audit as AuditNote | undefined), ...details };
}

export function noteOf(response: Response): AuditNote {
  return (response.locals.audit as AuditNote | undefined) ?? {};
}

export function errorCodeOf(response: Response): string | undefined {
  return response.locals.errorCode as string | undefined;
}
