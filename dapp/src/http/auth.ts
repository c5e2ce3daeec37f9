import crypto from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';

import type { RequestHandler } from 'express';

import { ApiError } from './errors';

const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

const SCRYPT_OPTIONS: crypto.ScryptOptions = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const HASH_BYTES = 32;
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** One DAPP_API_KEYS entry: `name:salt:hash`, salt and scrypt hash in base64url. */
export interface ApiKeyEntry {
  name: string;
  salt: Buffer;
  hash: Buffer;
}

/**
 * Makes a new API key (`name.secret`) and the entry that verifies it. Only the entry goes into
 * DAPP_API_KEYS; the key is shown once, to give to the caller.
 */
export async function hashApiKey(
  name: string,
  secret: string = crypto.randomBytes(24).toString('base64url'),
): Promise<{ key: string; entry: string }> {
  if (!NAME.test(name)) throw new Error(`key name '${name}' must be 1-64 letters, digits, _ or -`);
  const key = `${name}.${secret}`;
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(key, salt, HASH_BYTES, SCRYPT_OPTIONS);
  return { key, entry: `${name}:${salt.toString('base64url')}:${hash.toString('base64url')}` };
}

export function parseApiKeyEntries(entries: readonly string[]): Map<string, ApiKeyEntry> {
  const parsed = new Map<string, ApiKeyEntry>();
  for (const entry of entries) {
    const [name, salt, hash, ...rest] = entry.split(':');
    if (!name || !NAME.test(name) || !salt || !hash || rest.length > 0) {
      throw new Error(
        `DAPP_API_KEYS entry '${entry.slice(0, 24)}…' is not name:salt:hash (make one with \`dapp hash-key\`)`,
      );
    }
    parsed.set(name, {
      name,
      salt: Buffer.from(salt, 'base64url'),
      hash: Buffer.from(hash, 'base64url'),
    });
  }
  return parsed;
}

/**
 * Checks presented keys against the scrypt hashes. scrypt is deliberately slow, so a key that
 * verified once is remembered by its SHA-256 (in memory only) to keep high request rates cheap.
 */
export class ApiKeyVerifier {
  private readonly verified = new Map<string, string>();

  constructor(
    private readonly entries: Map<string, ApiKeyEntry>,
    private readonly cacheSize = 1_000,
  ) {}

  get configured(): boolean {
    return this.entries.size > 0;
  }

  /** The key's name when it is valid, otherwise undefined. */
  async verify(key: string): Promise<string | undefined> {
    const fingerprint = crypto.createHash('sha256').update(key).digest('base64url');
    const known = this.verified.get(fingerprint);
    if (known) return known;
    const name = key.slice(0, Math.max(0, key.indexOf('.')));
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    const hash = await scrypt(key, entry.salt, entry.hash.length || HASH_BYTES, SCRYPT_OPTIONS);
    if (hash.length !== entry.hash.length || !crypto.timingSafeEqual(hash, entry.hash)) {
      return undefined;
    }
    if (this.verified.size >= this.cacheSize) this.verified.clear();
    this.verified.set(fingerprint, entry.name);
    return entry.name;
  }
}

export function presentedKey(headers: {
  authorization?: string;
  'x-api-key'?: string | string[];
}): string | undefined {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

/** Who made the request, for logs and the request record. */
export interface Caller {
  kind: 'api-key' | 'client-certificate';
  name: string;
}

/**
 * Requires an API key or a client certificate the HTTPS listener verified. No route behind it
 * is reachable without one.
 */
export function authenticate(verifier: ApiKeyVerifier): RequestHandler {
  return async (request, response, next) => {
    const socket = request.socket as Partial<TLSSocket>;
    if (socket.encrypted && socket.authorized && socket.getPeerCertificate) {
      const certificate = socket.getPeerCertificate();
      const subject = certificate.subject as Record<string, string | string[]> | undefined;
      const commonName = subject?.CN;
      const caller: Caller = {
        kind: 'client-certificate',
        name: (Array.isArray(commonName) ? commonName[0] : commonName) ?? 'unnamed',
      };
      response.locals.caller = caller;
      next();
      return;
    }
    const key = presentedKey(request.headers);
    if (!key) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="dapp"');
      throw new ApiError(
        401,
        'UNAUTHENTICATED',
        'an API key (x-api-key header or Authorization: Bearer) or a client certificate is required',
      );
    }
    const name = await verifier.verify(key);
    if (!name) throw new ApiError(401, 'INVALID_API_KEY', 'the API key is not valid');
    const caller: Caller = { kind: 'api-key', name };
    response.locals.caller = caller;
    next();
  };
}
