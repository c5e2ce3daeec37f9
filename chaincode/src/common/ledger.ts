// SPDX-License-Identifier: Apache-2.0
// Thin helpers over the stub: canonical JSON reads/writes, iterator draining,
// transaction timestamps and the single per-transaction event.
import type { Context } from 'fabric-contract-api';
import type { Iterators } from 'fabric-shim';
import { canonicalBytes } from './canonical-json';

/** Seconds may arrive as a number (history entries) or a Long (getTxTimestamp). */
export interface TimestampLike {
  seconds: number | string | { toNumber(): number };
  nanos: number;
}

/** RFC 3339 UTC with millisecond precision, derived from a ledger timestamp. */
export function toIsoTimestamp(timestamp: TimestampLike): string {
  const { seconds } = timestamp;
  const whole =
    typeof seconds === 'number'
      ? seconds
      : typeof seconds === 'string'
        ? Number(seconds)
        : seconds.toNumber();
  const millis = whole * 1000 + Math.floor(timestamp.nanos / 1_000_000);
  return new Date(millis).toISOString();
}

/** The transaction's own timestamp: the same on every endorser, unlike the clock. */
export function txTimestamp(ctx: Context): string {
  return toIsoTimestamp(ctx.stub.getTxTimestamp());
}

export async function getJson<T>(ctx: Context, key: string): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(key);
  if (!bytes || bytes.length === 0) {
    return undefined;
  }
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

export async function putJson(ctx: Context, key: string, value: unknown): Promise<void> {
  await ctx.stub.putState(key, canonicalBytes(value));
}

export async function keyExists(ctx: Context, key: string): Promise<boolean> {
  const bytes = await ctx.stub.getState(key);
  return !!bytes && bytes.length > 0;
}

/** Reads every entry of an iterator and always closes it. */
export async function drain<T>(iterator: Iterators.CommonIterator<T>): Promise<T[]> {
  const items: T[] = [];
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        break;
      }
      items.push(next.value);
    }
  } finally {
    await iterator.close();
  }
  return items;
}

export function decodeUtf8(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

export const CORRELATION_ID_TRANSIENT_KEY = 'correlationId';
/** Same alphabet as request ids; anything else is left out rather than failing the business call. */
const CORRELATION_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * Emits the transaction's chaincode event. Fabric keeps only the last
 * setEvent of a transaction, so each submit function calls this exactly once.
 * A transient `correlationId` (the relay's) is echoed in object payloads: the
 * transient map never reaches the ledger, the event does, so this is how the
 * ledger mirror links a transaction to the request that caused it.
 */
export function emitEvent(ctx: Context, name: string, payload: unknown): void {
  const raw = ctx.stub.getTransient()?.get(CORRELATION_ID_TRANSIENT_KEY);
  const correlationId = raw === undefined ? undefined : decodeUtf8(raw);
  const withCorrelation =
    correlationId !== undefined &&
    CORRELATION_ID.test(correlationId) &&
    typeof payload === 'object' &&
    payload !== null &&
    !Array.isArray(payload)
      ? { ...payload, correlationId }
      : payload;
  ctx.stub.setEvent(name, canonicalBytes(withCorrelation));
}
