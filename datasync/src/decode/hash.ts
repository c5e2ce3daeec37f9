// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function derElement(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

/** Minimal two's-complement big-endian encoding of a non-negative integer, as DER requires. */
function derUnsignedInteger(value: bigint): Buffer {
  if (value < 0n) throw new RangeError('block numbers are unsigned');
  const bytes: number[] = [];
  for (let rest = value; rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
  if (bytes.length === 0 || ((bytes[0] ?? 0) & 0x80) !== 0) bytes.unshift(0);
  return derElement(0x02, Buffer.from(bytes));
}

/**
 * The block hash Fabric puts in the next block's previous_hash: SHA-256 over the ASN.1 DER
 * SEQUENCE { INTEGER number, OCTET STRING previous_hash, OCTET STRING data_hash }.
 */
export function blockHeaderHash(
  number: bigint | number,
  previousHash: Uint8Array,
  dataHash: Uint8Array,
): Buffer {
  const sequence = derElement(
    0x30,
    Buffer.concat([
      derUnsignedInteger(BigInt(number)),
      derElement(0x04, Buffer.from(previousHash)),
      derElement(0x04, Buffer.from(dataHash)),
    ]),
  );
  return createHash('sha256').update(sequence).digest();
}

/** Fabric 2.x data hash: SHA-256 over the block's data entries concatenated. */
export function blockDataHash(entries: readonly Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const entry of entries) hash.update(entry);
  return hash.digest();
}
