// SPDX-License-Identifier: Apache-2.0
import type { BlockRow, StateRow, TransactionRow, ValueColumns } from '@consortia/datasync/read';
import { iso, toTransactionView } from '@consortia/datasync/read';

import type {
  BlockSummary,
  KeyView,
  StateEntry,
  TransactionSummary,
  ValueView,
} from '../http/api-types';

/** Values longer than this are cut in lists; detail pages show them whole. */
export const PREVIEW_BYTES = 1024;
/** A key's full value is shown up to this size; larger values are cut even on detail pages. */
export const DETAIL_BYTES = 256 * 1024;

export function keyView(raw: string, objectType: string | null, attributes: unknown): KeyView {
  if (objectType === null) return { raw };
  return {
    raw,
    objectType,
    attributes: Array.isArray(attributes) ? attributes.map((item) => String(item)) : [],
  };
}

// Control characters other than tab, line feed and carriage return mark binary data.
// eslint-disable-next-line no-control-regex
const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;

/**
 * Shows a stored value the most readable way: its JSON document when datasync parsed one, its
 * text when it is printable UTF-8, otherwise base64. Anything beyond `limit` bytes is cut.
 */
export function valueView(
  bytes: Buffer | null,
  json: unknown,
  size: number = bytes?.length ?? 0,
  limit = Number.POSITIVE_INFINITY,
): ValueView {
  if (json !== null && json !== undefined && size <= limit) return { size, json };
  const shown = bytes ? bytes.subarray(0, Math.min(bytes.length, limit)) : Buffer.alloc(0);
  const truncated = size > shown.length ? { truncated: true } : {};
  const text = shown.toString('utf8');
  // a multi-byte character cut in half at the limit is not a sign of binary data
  const whole = truncated.truncated ? text.replace(/\ufffd+$/, '') : text;
  if (!BINARY.test(whole)) return { size, text: whole, ...truncated };
  return { size, base64: shown.toString('base64'), ...truncated };
}

export const toValue = (row: ValueColumns, limit: number) =>
  valueView(row.value, row.value_json, row.value_size ?? 0, limit);

export function toBlock(row: BlockRow): BlockSummary {
  return {
    channel: row.channel,
    number: Number(row.number),
    hash: row.hash,
    previousHash: row.previous_hash,
    dataHash: row.data_hash,
    dataHashValid: row.data_hash_valid,
    txCount: row.tx_count,
    validCount: Number(row.valid_count),
    isConfig: row.is_config,
    timestamp: iso(row.timestamp),
    mirroredAt: row.mirrored_at.toISOString(),
  };
}

export const toTransaction = (row: TransactionRow): TransactionSummary => ({
  channel: row.channel,
  ...toTransactionView(row),
});

export const toStateEntry = (row: StateRow, limit: number): StateEntry => ({
  namespace: row.namespace,
  collection: row.collection,
  key: keyView(row.key, row.object_type, row.key_attributes),
  value: toValue(row, limit),
  blockNumber: Number(row.block_number),
  txIndex: row.tx_index,
  txId: row.tx_id,
});
