// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';

import type { ScryptHash } from '@consortia/common/crypto';
import { hashSecret, parseSecretHash } from '@consortia/common/crypto';

import { DEFAULT_IDENTITY } from '../fabric/identity';

/** The parameters entries of the earlier `name:salt:hash` form were made with (16 MiB each). */
const EARLIER_FORM = { logN: 14, r: 8, p: 1, normalize: false } as const;
export const KEY_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/**
 * A Fabric identity name (as FABRIC_IDENTITIES names them); `*`: every configured one;
 * `@users`: every per-user identity (`user:<name>`); `@identity-admin`: may enroll, re-enroll
 * and revoke per-user identities.
 */
const IDENTITY_NAME = /^(?:[A-Za-z0-9._-]+|\*|@users|@identity-admin)$/;
export const ANY_IDENTITY = '*';
export const USER_IDENTITIES = '@users';
export const IDENTITY_ADMIN = '@identity-admin';

/**
 * One DAPP_API_KEYS entry: `name:hash:identity1|identity2`, the hash in the common stored form
 * (`scrypt.ln…`, see @consortia/common/crypto). Entries of the earlier forms
 * `name:salt:hash:identities` and `name:salt:hash` (the default identity only) still verify.
 */
export interface ApiKeyEntry {
  name: string;
  hash: ScryptHash;
  /** The Fabric identities requests with this key may be signed by. */
  identities: string[];
}

/** Checks a `|`-separated identity list (also used for client-certificate callers). */
export function parseIdentityList(text: string, where: string): string[] {
  const identities = text.split('|').map((name) => name.trim());
  if (identities.length === 0 || identities.some((name) => !IDENTITY_NAME.test(name))) {
    throw new Error(
      `${where}: identities must be Fabric identity names separated by |, or *, @users, @identity-admin`,
    );
  }
  return [...new Set(identities)];
}

/**
 * Makes a new API key (`name.secret`) and the entry that verifies it. Only the entry goes into
 * DAPP_API_KEYS; the key is shown once, to give to the caller.
 */
export async function hashApiKey(
  name: string,
  secret: string = crypto.randomBytes(24).toString('base64url'),
  identities: readonly string[] = [DEFAULT_IDENTITY],
): Promise<{ key: string; entry: string }> {
  if (!KEY_NAME.test(name)) {
    throw new Error(`key name '${name}' must be 1-64 letters, digits, _ or -`);
  }
  const scope = parseIdentityList(identities.join('|'), `key '${name}'`).join('|');
  const key = `${name}.${secret}`;
  return { key, entry: `${name}:${await hashSecret(key)}:${scope}` };
}

/** The parts of an entry: its name, its hash as stored (one part, or salt and hash), its scope. */
function splitEntry(entry: string): {
  name?: string;
  hash: string[];
  scope?: string;
  rest: string[];
} {
  const [name, first = '', ...others] = entry.split(':');
  const hashParts = first.startsWith('scrypt.') ? 1 : 2;
  const hash = [first, ...others.slice(0, hashParts - 1)];
  const [scope, ...rest] = others.slice(hashParts - 1);
  return { name, hash, scope, rest };
}

/** An entry with its identity scope replaced; the hash stays, so the key keeps working. */
export function rescopeApiKeyEntry(entry: string, identities: readonly string[]): string {
  const { name, hash } = splitEntry(entry);
  return [name, ...hash, identities.join('|')].join(':');
}

function entryHash(parts: string[]): ScryptHash | undefined {
  const [first, second] = parts;
  if (!first) return undefined;
  if (parts.length === 1) return parseSecretHash(first);
  if (!second) return undefined;
  return {
    ...EARLIER_FORM,
    salt: Buffer.from(first, 'base64url'),
    hash: Buffer.from(second, 'base64url'),
  };
}

/**
 * Parses DAPP_API_KEYS. A bad entry is named by its position and, when readable, its key name:
 * never by its text, which holds the salt and hash.
 */
export function parseApiKeyEntries(entries: readonly string[]): Map<string, ApiKeyEntry> {
  const parsed = new Map<string, ApiKeyEntry>();
  entries.forEach((entry, index) => {
    const { name, hash: hashParts, scope, rest } = splitEntry(entry);
    const where = `DAPP_API_KEYS entry ${index + 1}${name && KEY_NAME.test(name) ? ` ('${name}')` : ''}`;
    const hash = entryHash(hashParts);
    if (!name || !KEY_NAME.test(name) || !hash || scope === '' || rest.length > 0) {
      throw new Error(
        `${where} is not name:hash:identities or name:salt:hash:identities (make one with \`dapp hash-key\`)`,
      );
    }
    if (parsed.has(name)) throw new Error(`${where}: the key name is used twice`);
    parsed.set(name, {
      name,
      hash,
      identities: scope === undefined ? [DEFAULT_IDENTITY] : parseIdentityList(scope, where),
    });
  });
  return parsed;
}
