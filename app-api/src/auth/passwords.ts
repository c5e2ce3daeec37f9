import crypto from 'node:crypto';

const KEY_BYTES = 32;
const SALT_BYTES = 16;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** Parameters and result of one scrypt hash, as stored: `$scrypt$ln=15,r=8,p=1$salt$hash`. */
interface ParsedHash {
  logN: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

const FORMAT =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function scrypt(password: string, salt: Buffer, logN: number, r: number, p: number) {
  return new Promise<Buffer>((resolve, reject) => {
    // scrypt needs 128·N·r bytes; allow exactly that plus headroom.
    const maxmem = 256 * 2 ** logN * r;
    crypto.scrypt(
      password.normalize('NFC'),
      salt,
      KEY_BYTES,
      { N: 2 ** logN, r, p, maxmem },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

function parse(stored: string): ParsedHash | undefined {
  const match = FORMAT.exec(stored);
  if (!match) return undefined;
  return {
    logN: Number(match[1]),
    r: Number(match[2]),
    p: Number(match[3]),
    salt: Buffer.from(match[4] ?? '', 'base64url'),
    hash: Buffer.from(match[5] ?? '', 'base64url'),
  };
}

/** Hashes a password with scrypt (memory-hard) and a fresh salt; `logN` is log2 of the cost N. */
export async function hashPassword(password: string, logN: number): Promise<string> {
  const salt = crypto.randomBytes(SALT_BYTES);
  const hash = await scrypt(password, salt, logN, BLOCK_SIZE, PARALLELISM);
  return `$scrypt$ln=${logN},r=${BLOCK_SIZE},p=${PARALLELISM}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Compares in constant time; a stored value in an unknown format never verifies. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || parsed.logN > 22 || parsed.hash.length === 0) return false;
  const candidate = await scrypt(password, parsed.salt, parsed.logN, parsed.r, parsed.p);
  return candidate.length === parsed.hash.length && crypto.timingSafeEqual(candidate, parsed.hash);
}

/** True when a hash was made with weaker parameters than configured now (rehash on login). */
export function needsRehash(stored: string, logN: number): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.logN < logN || parsed.r !== BLOCK_SIZE || parsed.p !== PARALLELISM;
}

let dummy: Promise<string> | undefined;

/**
 * Spends the same time as a real verification, so that an unknown user name cannot be told
 * from a wrong password by the answer's delay.
 */
export async function verifyAgainstNothing(password: string, logN: number): Promise<false> {
  dummy ??= hashPassword(crypto.randomBytes(16).toString('base64url'), logN);
  await verifyPassword(password, await dummy);
  return false;
}

/** What is wrong with a new password, or undefined when it is acceptable. */
export function passwordProblem(password: string, username?: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  }
  if (username !== undefined && password.toLowerCase().includes(username.toLowerCase())) {
    return 'must not contain the user name';
  }
  if (new Set(password).size < 5) return 'must use at least 5 different characters';
  return undefined;
}

/** A random password for `create-admin` when none is given (shown once). */
export function generatePassword(): string {
  return crypto.randomBytes(18).toString('base64url');
}
