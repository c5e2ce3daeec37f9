// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';

// Stored format, shared by every sealed value the DAPP keeps (changing it breaks what is stored):
// one version byte, a 12-byte IV, the 16-byte GCM tag, then the ciphertext.
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

/**
 * Seals `plaintext` with AES-256-GCM under a 32-byte key and a fresh IV, bound to `context` (as
 * additional authenticated data) so the sealed value cannot be moved to another owner.
 */
export function seal(key: Buffer, context: string, plaintext: Buffer): Buffer {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

/**
 * Opens what `seal` made. Throws `unknownFormat` when the value is not in the stored format, and
 * a crypto error when it was altered, sealed for another context, or under another key.
 */
export function open(key: Buffer, context: string, sealed: Buffer, unknownFormat: string): Buffer {
  if (sealed[0] !== VERSION || sealed.length < HEADER_BYTES) throw new Error(unknownFormat);
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(sealed.subarray(1 + IV_BYTES, HEADER_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]);
}
