import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

const COST = 16384;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const HASH_BYTES = 32;

/**
 * `scrypt:N:r:p:salt:hash`, salt and hash in base64url. Colons rather than `$` so the value
 * survives shells and compose files, which expand `$`.
 */
export const PASSWORD_HASH_PATTERN =
  /^scrypt:\d{1,7}:\d{1,3}:\d{1,3}:[A-Za-z0-9_-]{16,}:[A-Za-z0-9_-]{32,}$/;

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function parse(stored: string): ParsedHash {
  if (!PASSWORD_HASH_PATTERN.test(stored)) {
    throw new Error('the operator password hash is not the output of `explorer hash-password`');
  }
  const [, N, r, p, salt, hash] = stored.split(':') as [string, ...string[]];
  return {
    N: Number(N),
    r: Number(r),
    p: Number(p),
    salt: Buffer.from(String(salt), 'base64url'),
    hash: Buffer.from(String(hash), 'base64url'),
  };
}

const options = ({ N, r, p }: { N: number; r: number; p: number }): crypto.ScryptOptions => ({
  N,
  r,
  p,
  // scrypt needs 128 * N * r bytes; leave room above that
  maxmem: 256 * N * r + 1024 * 1024,
});

/** A salted scrypt hash of the operator's password, for EXPLORER_OPERATOR_PASSWORD_HASH. */
export async function hashPassword(password: string): Promise<string> {
  if (password.length === 0) throw new Error('the password is empty');
  const salt = crypto.randomBytes(16);
  const params = { N: COST, r: BLOCK_SIZE, p: PARALLELISM };
  const hash = await scrypt(password, salt, HASH_BYTES, options(params));
  return `scrypt:${COST}:${BLOCK_SIZE}:${PARALLELISM}:${salt.toString('base64url')}:${hash.toString('base64url')}`;
}

/** True when `password` produces `stored`; the comparison takes the same time either way. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  const hash = await scrypt(password, parsed.salt, parsed.hash.length, options(parsed));
  return crypto.timingSafeEqual(hash, parsed.hash);
}

/** Compares two strings without revealing where they differ (user names). */
export function sameText(a: string, b: string): boolean {
  const digest = (text: string) => crypto.createHash('sha256').update(text).digest();
  return crypto.timingSafeEqual(digest(a), digest(b));
}
