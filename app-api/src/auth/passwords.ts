// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';

import { hashSecret, verifySecret } from '@consortia/common/crypto';

export { needsRehash } from '@consortia/common/crypto';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** Hashes a password with scrypt (memory-hard) and a fresh salt; `logN` is log2 of the cost N. */
export function hashPassword(password: string, logN: number): Promise<string> {
  return hashSecret(password, logN);
}

/**
 * Compares in constant time; a stored value in an unknown format never verifies. Users stored
 * in the earlier `$scrypt$` form still verify, and are rehashed on their next login.
 */
export function verifyPassword(password: string, stored: string): Promise<boolean> {
  return verifySecret(password, stored);
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
