// SPDX-License-Identifier: Apache-2.0
import {
  hashSecret,
  isSecretHash,
  SECRET_HASH_PATTERN,
  verifySecret,
} from '@consortia/common/crypto';

export { sameText } from '@consortia/common/crypto';

/** What EXPLORER_OPERATOR_PASSWORD_HASH may hold: the common stored form or the earlier one. */
export const PASSWORD_HASH_PATTERN = SECRET_HASH_PATTERN;

/** A salted scrypt hash of the operator's password, for EXPLORER_OPERATOR_PASSWORD_HASH. */
export async function hashPassword(password: string): Promise<string> {
  if (password.length === 0) throw new Error('the password is empty');
  return hashSecret(password);
}

/** True when `password` produces `stored`; the comparison takes the same time either way. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  // Configuration checks the form at start-up; a value that still does not parse is a setup error.
  if (!isSecretHash(stored)) {
    throw new Error('the operator password hash is not the output of `explorer hash-password`');
  }
  return verifySecret(password, stored);
}
