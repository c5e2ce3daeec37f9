// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';

import type { ApiKeyEntry } from '../http/api-keys';
import { ANY_IDENTITY, IDENTITY_ADMIN, parseIdentityList, USER_IDENTITIES } from '../http/api-keys';
import { DEFAULT_IDENTITY, isUserIdentity } from '../fabric/identity';

/** Who made a request: an API key, or a client certificate the HTTPS listener verified. */
export interface Caller {
  kind: 'api-key' | 'client-certificate';
  /** The key's name, or the certificate's common name. */
  name: string;
  /**
   * What requests are recorded and namespaced under. A key's name; for a certificate
   * `cert@<CN>` (or `cert@x-<hash>` when the CN has other characters), so a certificate can
   * never share a key's requests: key names have no `@`.
   */
  id: string;
}

const CERT_NAME = /^[A-Za-z0-9._@-]{1,64}$/;

export function apiKeyCaller(name: string): Caller {
  return { kind: 'api-key', name, id: name };
}

export function certificateCaller(commonName: string): Caller {
  const id = CERT_NAME.test(commonName)
    ? `cert@${commonName}`
    : `cert@x-${crypto.createHash('sha256').update(commonName).digest('hex').slice(0, 32)}`;
  return { kind: 'client-certificate', name: commonName, id };
}

/**
 * The request id the chaincode sees: the caller's own id under the caller's name, so two callers
 * that share one Fabric identity can never claim each other's ids.
 */
export function chaincodeRequestId(callerId: string, requestId: string): string {
  return `${callerId}:${requestId}`;
}

/**
 * Parses DAPP_CLIENT_IDENTITIES entries: `CN=identity1|identity2`, the identities a client
 * certificate with that common name may use. A certificate not listed may use only `default`.
 */
export function parseClientIdentities(entries: readonly string[]): Map<string, string[]> {
  const parsed = new Map<string, string[]>();
  entries.forEach((entry, index) => {
    const split = entry.lastIndexOf('=');
    const where = `DAPP_CLIENT_IDENTITIES entry ${index + 1}`;
    if (split <= 0) throw new Error(`${where} is not CN=identity1|identity2`);
    const commonName = entry.slice(0, split).trim();
    parsed.set(
      certificateCaller(commonName).id,
      parseIdentityList(entry.slice(split + 1), `${where} ('${commonName}')`),
    );
  });
  return parsed;
}

/**
 * Which Fabric identities each caller may sign with, from the configuration alone. Both the HTTP
 * side and the queue workers ask it, so a queued request is checked again where it is signed.
 */
export class CallerPolicy {
  private readonly scopes = new Map<string, readonly string[]>();

  constructor(
    keys: Iterable<ApiKeyEntry>,
    certificates: Map<string, string[]>,
    /** Whether the DAPP has the identity: a name it does not have is refused like a forbidden one. */
    private readonly known: (identity: string) => boolean,
  ) {
    for (const key of keys) this.scopes.set(apiKeyCaller(key.name).id, key.identities);
    for (const [id, identities] of certificates) this.scopes.set(id, identities);
  }

  /** Whether the caller (by its id) may sign with the identity (`default` when undefined). */
  mayUse(callerId: string, identity: string | undefined): boolean {
    const name = identity ?? DEFAULT_IDENTITY;
    if (!this.known(name)) return false;
    const scope = this.scopes.get(callerId);
    // A certificate caller the configuration does not mention: the default identity only.
    if (!scope) return callerId.startsWith('cert@') && name === DEFAULT_IDENTITY;
    // Users' identities only by `@users`: `*` means the configured ones.
    if (isUserIdentity(name)) return scope.includes(USER_IDENTITIES);
    return scope.includes(name) || scope.includes(ANY_IDENTITY);
  }

  /** Whether the caller may enroll, re-enroll and revoke per-user identities. */
  mayAdministerIdentities(callerId: string): boolean {
    return this.scopes.get(callerId)?.includes(IDENTITY_ADMIN) ?? false;
  }
}
