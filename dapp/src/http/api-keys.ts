import crypto from 'node:crypto';
import { promisify } from 'node:util';

import { DEFAULT_IDENTITY } from '../fabric/identity';

const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

/** 16 MiB of memory per check (128·N·r): slow on purpose, so a stolen entry resists guessing. */
const SCRYPT_OPTIONS: crypto.ScryptOptions = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
export const HASH_BYTES = 32;
export const KEY_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** A Fabric identity name (as FABRIC_IDENTITIES names them), or `*`: every configured one. */
const IDENTITY_NAME = /^(?:[A-Za-z0-9._-]+|\*)$/;
export const ANY_IDENTITY = '*';

/**
 * One DAPP_API_KEYS entry: `name:salt:hash:identity1|identity2`, salt and scrypt hash in
 * base64url. Entries of the earlier form `name:salt:hash` may use only the default identity.
 */
export interface ApiKeyEntry {
  name: string;
  salt: Buffer;
  hash: Buffer;
  /** The Fabric identities requests with this key may be signed by. */
  identities: string[];
}

export function scryptHash(key: string, salt: Buffer, length = HASH_BYTES): Promise<Buffer> {
  return scrypt(key, salt, length, SCRYPT_OPTIONS);
}

/** Checks a `|`-separated identity list (also used for client-certificate callers). */
export function parseIdentityList(text: string, where: string): string[] {
  const identities = text.split('|').map((name) => name.trim());
  if (identities.length === 0 || identities.some((name) => !IDENTITY_NAME.test(name))) {
    throw new Error(`${where}: identities must be Fabric identity names separated by |, or *`);
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
  const salt = crypto.randomBytes(16);
  const hash = await scryptHash(key, salt);
  return {
    key,
    entry: `${name}:${salt.toString('base64url')}:${hash.toString('base64url')}:${scope}`,
  };
}

/**
 * Parses DAPP_API_KEYS. A bad entry is named by its position and, when readable, its key name:
 * never by its text, which holds the salt and hash.
 */
export function parseApiKeyEntries(entries: readonly string[]): Map<string, ApiKeyEntry> {
  const parsed = new Map<string, ApiKeyEntry>();
  entries.forEach((entry, index) => {
    const [name, salt, hash, scope, ...rest] = entry.split(':');
    const where = `DAPP_API_KEYS entry ${index + 1}${name && KEY_NAME.test(name) ? ` ('${name}')` : ''}`;
    if (!name || !KEY_NAME.test(name) || !salt || !hash || scope === '' || rest.length > 0) {
      throw new Error(
        `${where} is not name:salt:hash:identities (make one with \`dapp hash-key\`)`,
      );
    }
    if (parsed.has(name)) throw new Error(`${where}: the key name is used twice`);
    parsed.set(name, {
      name,
      salt: Buffer.from(salt, 'base64url'),
      hash: Buffer.from(hash, 'base64url'),
      identities: scope === undefined ? [DEFAULT_IDENTITY] : parseIdentityList(scope, where),
    });
  });
  return parsed;
}
