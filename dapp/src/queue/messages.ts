// SPDX-License-Identifier: Apache-2.0
import type { IHeaders } from 'kafkajs';

import type { ResultFormat } from '../fabric/submitter';
import type { FailureReason, RequestStatus } from '../store/request-store';

export const CORRELATION_HEADER = 'x-correlation-id';
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A request on `dapp.tx.requests`: everything a worker needs to submit it, except transient
 * data, which stays sealed in the request store (`transientRef`). A worker runs it only when the
 * store holds the same request from the same caller, and the caller may use the identity.
 */
export interface QueuedRequest {
  /** `<caller>:<caller's request id>`, as stored and as the chaincode records it. */
  requestId: string;
  /** The API key name (or `cert@<CN>`) that queued it. */
  caller: string;
  channel: string;
  chaincode: string;
  /** `Contract:Function`, already checked against the metadata. */
  transactionName: string;
  function: string;
  args: string[];
  /** The stored request whose sealed transient data goes with it, when it has any. */
  transientRef?: string;
  identity?: string;
  partitionKey: string;
  correlationId?: string;
  acceptedAt: string;
  /** Absent in messages from earlier releases, which read every result as JSON. */
  resultFormat?: ResultFormat;
  /** The request store of the front door that accepted it; only that store's workers run it. */
  store?: string;
}

/** An outcome on `dapp.tx.results` (and, with the reason, on `dapp.tx.dlq`). */
export interface RequestResult {
  requestId: string;
  status: Extract<RequestStatus, 'committed' | 'failed'>;
  txId?: string;
  validationCode?: string;
  blockNumber?: string;
  result?: unknown;
  reason?: FailureReason;
  attempts: number;
  correlationId?: string;
}

export function headersFor(requestId: string, correlationId: string | undefined): IHeaders {
  const headers: IHeaders = { [REQUEST_ID_HEADER]: requestId };
  if (correlationId) headers[CORRELATION_HEADER] = correlationId;
  return headers;
}

export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** Parses a message value; throws a sentence naming what is missing. */
export function parseQueuedRequest(value: Buffer | null): QueuedRequest {
  if (!value) throw new Error('message has no value');
  const parsed = JSON.parse(value.toString('utf8')) as Partial<QueuedRequest>;
  const required = [
    'requestId',
    'caller',
    'channel',
    'chaincode',
    'transactionName',
    'function',
  ] as const;
  for (const field of required) {
    if (typeof parsed[field] !== 'string' || parsed[field] === '') {
      throw new Error(`message lacks '${field}'`);
    }
  }
  if (!Array.isArray(parsed.args) || !parsed.args.every((arg) => typeof arg === 'string')) {
    throw new Error(`message 'args' must be an array of strings`);
  }
  if ('transient' in parsed) {
    throw new Error(`message carries transient data; only the request store may hold it`);
  }
  if (parsed.transientRef !== undefined && typeof parsed.transientRef !== 'string') {
    throw new Error(`message 'transientRef' must be a string`);
  }
  if (parsed.store !== undefined && typeof parsed.store !== 'string') {
    throw new Error(`message 'store' must be a string`);
  }
  if (parsed.resultFormat !== undefined && !['json', 'text'].includes(parsed.resultFormat)) {
    throw new Error(`message 'resultFormat' must be 'json' or 'text'`);
  }
  return {
    ...(parsed as QueuedRequest),
    partitionKey: parsed.partitionKey ?? (parsed.requestId as string),
  };
}

/**
 * What of a refused message may go to the dead-letter topic: its JSON without any `transient`
 * field (a forged or old-format message may carry one), or only its size when it is not JSON.
 */
export function deadLetterCopy(value: Buffer | null): string | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value.toString('utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const copy = { ...(parsed as Record<string, unknown>) };
      delete copy.transient;
      return JSON.stringify(copy);
    }
  } catch {
    // not JSON: fall through
  }
  return JSON.stringify({ unreadable: true, bytes: value.length });
}
