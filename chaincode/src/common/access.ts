// SPDX-License-Identifier: Apache-2.0
// Caller identity: MSP id, certificate attributes and the token account id.
import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { canonicalStringify } from './canonical-json';
import { forbidden } from './errors';

export function callerMspId(ctx: Context): string {
  return ctx.clientIdentity.getMSPID();
}

/** Value of a certificate attribute (Fabric CA `attrs` extension), if present. */
export function callerAttribute(ctx: Context, name: string): string | undefined {
  const value = ctx.clientIdentity.getAttributeValue(name);
  return value ?? undefined;
}

/**
 * The user a certificate was issued to (`consortia.user`, put there by the org's CA), when the
 * caller acts only for that user: undefined for identities without it (the org's services and
 * admins, authorized by MSP) and for certificates with `consortia.role` admin (org-wide).
 */
export function callerUser(ctx: Context): string | undefined {
  const user = callerAttribute(ctx, 'consortia.user');
  return user !== undefined && callerAttribute(ctx, 'consortia.role') !== 'admin'
    ? user
    : undefined;
}

/** Refuses a caller acting for one user (see callerUser) on what another user owns. */
export function requireOwnUser(ctx: Context, ownerId: string, action: string): void {
  const user = callerUser(ctx);
  if (user !== undefined && user !== ownerId) {
    throw forbidden(`${action} is reserved to ${ownerId}'s own certificate; caller is ${user}`);
  }
}

/**
 * Refuses a certificate acting for one user (see callerUser) where the organization itself acts:
 * the org's own identities and certificates with the admin role pass.
 */
export function requireOrgWide(ctx: Context, action: string): void {
  const user = callerUser(ctx);
  if (user !== undefined) {
    throw forbidden(`${action} is reserved to the organization; caller acts for user ${user}`);
  }
}

export function requireCallerMsp(ctx: Context, mspId: string, action: string): void {
  const caller = callerMspId(ctx);
  if (caller !== mspId) {
    throw forbidden(`${action} is reserved to ${mspId}; caller belongs to ${caller}`);
  }
}

/**
 * Account id of an identity: sha256 hex of canonical JSON {"id": getID(), "mspId": MSP}.
 * getID() is `x509::<subject DN>::<issuer DN>`; the MSP id is included because two
 * organizations' CAs could issue certificates with the same subject and issuer names.
 */
export function accountIdOf(mspId: string, clientId: string): string {
  return createHash('sha256')
    .update(canonicalStringify({ id: clientId, mspId }))
    .digest('hex');
}

export function callerAccountId(ctx: Context): string {
  return accountIdOf(callerMspId(ctx), ctx.clientIdentity.getID());
}
