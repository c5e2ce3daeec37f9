// SPDX-License-Identifier: Apache-2.0
// Just enough protobuf decoding to read two numbers from qscc answers, so the DAPP needs no
// generated protobuf classes: ProcessedTransaction.validationCode and Block.header.number.

export interface Field {
  number: number;
  wireType: number;
  varint?: bigint;
  bytes?: Uint8Array;
}

function readVarint(buffer: Uint8Array, start: number): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  let position = start;
  for (;;) {
    const byte = buffer[position];
    if (byte === undefined) throw new Error('truncated protobuf varint');
    position += 1;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value, next: position };
    shift += 7n;
  }
}

/** The top-level fields of a protobuf message, in order. */
export function readFields(buffer: Uint8Array): Field[] {
  const fields: Field[] = [];
  let position = 0;
  while (position < buffer.length) {
    const key = readVarint(buffer, position);
    position = key.next;
    const number = Number(key.value >> 3n);
    const wireType = Number(key.value & 7n);
    if (wireType === 0) {
      const varint = readVarint(buffer, position);
      fields.push({ number, wireType, varint: varint.value });
      position = varint.next;
    } else if (wireType === 2) {
      const length = readVarint(buffer, position);
      const end = length.next + Number(length.value);
      if (end > buffer.length) throw new Error('truncated protobuf field');
      fields.push({ number, wireType, bytes: buffer.subarray(length.next, end) });
      position = end;
    } else if (wireType === 1 || wireType === 5) {
      // fixed64 / fixed32: not needed, skipped but listed
      fields.push({ number, wireType });
      position += wireType === 1 ? 8 : 4;
    } else {
      throw new Error(`unsupported protobuf wire type ${wireType}`);
    }
  }
  return fields;
}

const field = (buffer: Uint8Array, number: number): Field | undefined =>
  readFields(buffer).find((candidate) => candidate.number === number);

/** ProcessedTransaction { Envelope transactionEnvelope = 1; int32 validationCode = 2; } */
export function validationCodeOf(processedTransaction: Uint8Array): number {
  return Number(field(processedTransaction, 2)?.varint ?? 0n);
}

/** Block { BlockHeader header = 1; ... }, BlockHeader { uint64 number = 1; ... } */
export function blockNumberOf(block: Uint8Array): bigint {
  const header = field(block, 1)?.bytes;
  return header ? (field(header, 1)?.varint ?? 0n) : 0n;
}
