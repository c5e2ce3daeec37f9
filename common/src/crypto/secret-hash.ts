// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';

/**
 * One way to store a password or an API key: scrypt (memory-hard) with a fresh salt, written as
 * `scrypt.ln<log2 N>.r<r>.p<p>.<salt>.<hash>` (salt and hash in base64url). The form has no `$`
 * (shells and compose files expand it) and no `:` or `,` (the DAPP's key entries use those as
 * separators), so it can stand in an environment variable, a config file or a database column.
 * The secret is NFC-normalized first, so the same password typed on another system matches.
 *
 * Values stored in the earlier forms keep verifying (`parseSecretHash` reads them):
 * `$scrypt$ln=15,r=8,p=1$salt$hash` (app-api users, NFC-normalized) and `scrypt:N:r:p:salt:hash`
 * (the explorer's operator password, not normalized).
 */
export interface ScryptHash {
  /** log2 of scrypt's cost N. */
  logN: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
  /** Whether the secret is NFC-normalized before hashing (false only for older values). */
  normalize: boolean;
}

/** log2 of N for new hashes unless a caller asks for more: 16 MiB and some 50 ms per hash. */
export const DEFAULT_LOG_COST = 14;
/** Cost bounds a stored value may ask for; beyond them it is refused rather than computed. */
export const MAX_LOG_COST = 22;
const MAX_BLOCK_SIZE = 32;
const MAX_PARALLELISM = 16;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

const BASE64URL = '[A-Za-z0-9_-]';
const CURRENT = new RegExp(
  `^scrypt\\.ln(\\d{1,2})\\.r(\\d{1,2})\\.p(\\d{1,2})\\.(${BASE64URL}{16,})\\.(${BASE64URL}{32,})$`,
);
const DOLLAR_FORM = new RegExp(
  `^\\$scrypt\\$ln=(\\d{1,2}),r=(\\d{1,2}),p=(\\d{1,2})\\$(${BASE64URL}+)\\$(${BASE64URL}+)$`,
);
const COLON_FORM = new RegExp(
  `^scrypt:(\\d{1,7}):(\\d{1,3}):(\\d{1,3}):(${BASE64URL}{16,}):(${BASE64URL}{32,})$`,
);

/** Any form `parseSecretHash` reads, for configuration schemas (the cost bounds are checked later). */
export const SECRET_HASH_PATTERN = new RegExp(
  [CURRENT, DOLLAR_FORM, COLON_FORM].map((form) => form.source).join('|'),
);

function within(parsed: ScryptHash): ScryptHash | undefined {
  const sane =
    Number.isInteger(parsed.logN) &&
    parsed.logN >= 1 &&
    parsed.logN <= MAX_LOG_COST &&
    parsed.r >= 1 &&
    parsed.r <= MAX_BLOCK_SIZE &&
    parsed.p >= 1 &&
    parsed.p <= MAX_PARALLELISM &&
    parsed.hash.length > 0;
  return sane ? parsed : undefined;
}

/** Reads a stored hash in the current or an earlier form; undefined when it is neither. */
export function parseSecretHash(stored: string): ScryptHash | undefined {
  const match = CURRENT.exec(stored) ?? DOLLAR_FORM.exec(stored);
  if (match) {
    return within({
      logN: Number(match[1]),
      r: Number(match[2]),
      p: Number(match[3]),
      salt: Buffer.from(String(match[4]), 'base64url'),
      hash: Buffer.from(String(match[5]), 'base64url'),
      normalize: true,
    });
  }
  const colon = COLON_FORM.exec(stored);
  if (!colon) return undefined;
  return within({
    logN: Math.log2(Number(colon[1])),
    r: Number(colon[2]),
    p: Number(colon[3]),
    salt: Buffer.from(String(colon[4]), 'base64url'),
    hash: Buffer.from(String(colon[5]), 'base64url'),
    normalize: false,
  });
}

/** Whether a value is a stored hash this module can verify (for validating configuration). */
export function isSecretHash(stored: string): boolean {
  return parseSecretHash(stored) !== undefined;
}

function scrypt(secret: string, parameters: Omit<ScryptHash, 'hash'>, length: number) {
  const N = 2 ** parameters.logN;
  return new Promise<Buffer>((resolve, reject) => {
    crypto.scrypt(
      parameters.normalize ? secret.normalize('NFC') : secret,
      parameters.salt,
      length,
      // scrypt needs 128·N·r bytes; leave room above that.
      { N, r: parameters.r, p: parameters.p, maxmem: 256 * N * parameters.r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/** Hashes a secret with a fresh salt, in the current form. */
export async function hashSecret(secret: string, logN: number = DEFAULT_LOG_COST): Promise<string> {
  if (!Number.isInteger(logN) || logN < 1 || logN > MAX_LOG_COST) {
    throw new RangeError(`the scrypt cost must be 2^1 to 2^${MAX_LOG_COST}`);
  }
  const salt = crypto.randomBytes(SALT_BYTES);
  const parameters = { logN, r: BLOCK_SIZE, p: PARALLELISM, salt, normalize: true };
  const hash = await scrypt(secret, parameters, HASH_BYTES);
  return `scrypt.ln${logN}.r${BLOCK_SIZE}.p${PARALLELISM}.${salt.toString('base64url')}.${hash.toString('base64url')}`;
}

/** Whether `secret` produces the parsed hash; compared in constant time. */
export async function verifyScryptHash(secret: string, parsed: ScryptHash): Promise<boolean> {
  // An empty hash would compare equal to an empty candidate.
  if (parsed.hash.length === 0) return false;
  const candidate = await scrypt(secret, parsed, parsed.hash.length);
  return crypto.timingSafeEqual(candidate, parsed.hash);
}

/** Whether `secret` produces `stored` (any readable form); an unreadable value never verifies. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parsed = parseSecretHash(stored);
  return parsed ? verifyScryptHash(secret, parsed) : false;
}

/**
 * Whether a stored value should be replaced by a fresh hash at the next chance (a login): it is
 * unreadable, in an earlier form, or made with less cost than `logN`.
 */
export function needsRehash(stored: string, logN: number = DEFAULT_LOG_COST): boolean {
  const parsed = parseSecretHash(stored);
  return (
    !parsed ||
    !CURRENT.test(stored) ||
    parsed.logN < logN ||
    parsed.r !== BLOCK_SIZE ||
    parsed.p !== PARALLELISM
  );
}

/** Compares two strings without revealing where they differ (user names). */
export function sameText(a: string, b: string): boolean {
  const digest = (text: string) => crypto.createHash('sha256').update(text).digest();
  return crypto.timingSafeEqual(digest(a), digest(b));
}
