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
  return value === null ? undefined : value;
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
