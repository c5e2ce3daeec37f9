// SPDX-License-Identifier: Apache-2.0
import { closePool } from '@consortia/common/pg';
import pg from 'pg';
import type { ClientConfig } from 'pg';

export type RequestStatus = 'queued' | 'submitted' | 'unknown' | 'committed' | 'failed';

/** Written once, never changed: the SQL below refuses to move a request out of these. */
export const FINAL_STATUSES = ['committed', 'failed'] as const;
const NOT_FINAL = `status NOT IN ('committed', 'failed')`;
export type RequestMode = 'sync' | 'async';

/** Why a request failed: a stable code, a sentence, and whatever Fabric or the chaincode said. */
export interface FailureReason {
  code: string;
  message: string;
  details?: unknown;
  /** True when the failure was transient but every allowed attempt failed (dead-lettered). */
  retriesExhausted?: boolean;
}

export interface RequestRecord {
  /** `<caller>:<caller's request id>`, the id the chaincode records (chaincodeRequestId). */
  requestId: string;
  /** The API key name or client certificate the request came from (the id's prefix). */
  caller: string;
  mode: RequestMode;
  status: RequestStatus;
  channel: string;
  chaincode: string;
  function: string;
  identity?: string;
  partitionKey?: string;
  correlationId?: string;
  txId?: string;
  validationCode?: string;
  blockNumber?: string;
  result?: unknown;
  reason?: FailureReason;
  attempts: number;
  /** The transaction id of every attempt sent to the orderer, in order. */
  attemptTxIds: string[];
  /** When the last attempt was sent. */
  lastSentAt?: string;
  /** Identifies the request's content (TransientVault.requestHash). */
  requestHash?: string;
  createdAt: string;
  updatedAt: string;
}

export type NewRequest = Pick<
  RequestRecord,
  'requestId' | 'mode' | 'channel' | 'chaincode' | 'function' | 'identity' | 'partitionKey'
> & { correlationId?: string; status: 'queued' | 'submitted'; requestHash?: string };

/** The request as a store write names it (`recordOutcome` and `markSubmitted` upsert from it). */
export function submittedBase(request: RequestRecord): NewRequest {
  return {
    requestId: request.requestId,
    mode: request.mode,
    status: 'submitted',
    channel: request.channel,
    chaincode: request.chaincode,
    function: request.function,
    identity: request.identity,
    partitionKey: request.partitionKey,
    correlationId: request.correlationId,
  };
}

export interface Outcome {
  status: 'committed' | 'failed';
  txId?: string;
  validationCode?: string;
  blockNumber?: string;
  result?: unknown;
  reason?: FailureReason;
  attempts: number;
}

interface Row {
  request_id: string;
  caller: string;
  request_hash: string | null;
  mode: RequestMode;
  status: RequestStatus;
  channel: string;
  chaincode: string;
  function_name: string;
  identity: string | null;
  partition_key: string | null;
  correlation_id: string | null;
  tx_id: string | null;
  validation_code: string | null;
  block_number: string | null;
  result: unknown;
  reason: FailureReason | null;
  attempts: number;
  attempt_tx_ids: string[] | null;
  last_sent_at: Date | null;
  queued_message: unknown;
  created_at: Date;
  updated_at: Date;
}

function toRecord(row: Row): RequestRecord {
  const record: RequestRecord = {
    requestId: row.request_id,
    caller: row.caller,
    mode: row.mode,
    status: row.status,
    channel: row.channel,
    chaincode: row.chaincode,
    function: row.function_name,
    attempts: row.attempts,
    attemptTxIds: row.attempt_tx_ids ?? [],
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
  if (row.identity !== null) record.identity = row.identity;
  if (row.partition_key !== null) record.partitionKey = row.partition_key;
  if (row.correlation_id !== null) record.correlationId = row.correlation_id;
  if (row.tx_id !== null) record.txId = row.tx_id;
  if (row.validation_code !== null) record.validationCode = row.validation_code;
  if (row.block_number !== null) record.blockNumber = row.block_number;
  if (row.result !== null) record.result = row.result;
  if (row.reason !== null) record.reason = row.reason;
  if (row.last_sent_at !== null) record.lastSentAt = row.last_sent_at.toISOString();
  if (row.request_hash !== null) record.requestHash = row.request_hash;
  return record;
}

export const isFinished = (status: RequestStatus): boolean =>
  (FINAL_STATUSES as readonly string[]).includes(status);

/** The columns from channel to correlation_id, in table order, as every request row has them. */
function describing(request: NewRequest): (string | null)[] {
  return [
    request.channel,
    request.chaincode,
    request.function,
    request.identity ?? null,
    request.partitionKey ?? null,
    request.correlationId ?? null,
  ];
}

/**
 * A statement run for every request, prepared once on each connection, so Postgres parses and
 * plans it once rather than on every call. Only statements whose result keeps its shape when a
 * later migration adds a column (no `SELECT *`): Postgres refuses to run a prepared statement
 * whose result type changed.
 */
function prepared(name: string, text: string, values: unknown[]): pg.QueryConfig {
  return { name: `dapp-request-${name}`, text, values };
}

/** Request status in Postgres: written when a request is accepted and when its outcome is known. */
export class RequestStore {
  private readonly pool: pg.Pool;

  constructor(connection: ClientConfig, poolSize = 20) {
    this.pool = new pg.Pool({ ...connection, max: poolSize });
    // An idle client losing its server must not crash the process; the next query reports it.
    this.pool.on('error', () => undefined);
  }

  /**
   * Inserts a new request, with its sealed transient data in the same statement; returns the
   * existing record instead when the id is already known. An async request keeps the message it
   * is queued with, so the reconciler can queue it again if it never reaches a worker.
   */
  async create(
    request: NewRequest,
    sealedTransient?: Buffer,
    queuedMessage?: unknown,
  ): Promise<{ created: true } | { created: false; existing: RequestRecord }> {
    const inserted = await this.pool.query<{ created: string }>(
      prepared(
        'create',
        `WITH inserted AS (
         INSERT INTO dapp_requests
           (request_id, mode, status, channel, chaincode, function_name, identity, partition_key,
            correlation_id, request_hash, queued_message)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $12)
         ON CONFLICT (request_id) DO NOTHING
         RETURNING request_id
       ), sealed AS (
         INSERT INTO dapp_request_transient (request_id, sealed)
         SELECT request_id, $11::bytea FROM inserted WHERE $11::bytea IS NOT NULL
       )
       SELECT count(*) AS created FROM inserted`,
        [
          request.requestId,
          request.mode,
          request.status,
          ...describing(request),
          request.requestHash ?? null,
          sealedTransient ?? null,
          queuedMessage === undefined ? null : JSON.stringify(queuedMessage),
        ],
      ),
    );
    if (Number(inserted.rows[0]?.created) === 1) return { created: true };
    const existing = await this.get(request.requestId);
    if (!existing) throw new Error(`request ${request.requestId} vanished while being created`);
    return { created: false, existing };
  }

  async get(requestId: string): Promise<RequestRecord | undefined> {
    const { rows } = await this.pool.query<Row>(
      'SELECT * FROM dapp_requests WHERE request_id = $1',
      [requestId],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The sealed transient data of a request not yet final, if it has any. */
  async sealedTransient(requestId: string): Promise<Buffer | undefined> {
    const { rows } = await this.pool.query<{ sealed: Buffer }>(
      'SELECT sealed FROM dapp_request_transient WHERE request_id = $1',
      [requestId],
    );
    return rows[0]?.sealed;
  }

  /** Forgets a request that was never accepted (Kafka refused it), so the caller may retry. */
  async discard(requestId: string): Promise<void> {
    await this.pool.query(`DELETE FROM dapp_requests WHERE request_id = $1 AND status = 'queued'`, [
      requestId,
    ]);
  }

  /**
   * Forgets a sync request that was never accepted after all: its attempts failed before
   * anything reached the ledger, so a retry under the same id starts afresh.
   */
  async discardUnsent(requestId: string): Promise<void> {
    await this.pool.query(
      `DELETE FROM dapp_requests WHERE request_id = $1 AND mode = 'sync' AND status = 'submitted'`,
      [requestId],
    );
  }

  /** A worker took the request; a finished request is never moved back. */
  async markSubmitted(request: NewRequest, attempts: number): Promise<void> {
    await this.pool.query(
      prepared(
        'mark-submitted',
        `INSERT INTO dapp_requests
         (request_id, mode, status, channel, chaincode, function_name, identity, partition_key, correlation_id, attempts)
       VALUES ($1, $2, 'submitted', $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (request_id) DO UPDATE
         SET status = 'submitted', attempts = EXCLUDED.attempts, updated_at = now()
         WHERE dapp_requests.status IN ('queued', 'submitted')`,
        [request.requestId, request.mode, ...describing(request), attempts],
      ),
    );
  }

  /**
   * Records the outcome, creating the row if it is missing. A final status is written once: the
   * update skips a request already committed or failed. Answers whether this call wrote it.
   */
  async recordOutcome(request: NewRequest, outcome: Outcome): Promise<boolean> {
    const written = await this.pool.query(
      prepared(
        'record-outcome',
        `INSERT INTO dapp_requests
         (request_id, mode, status, channel, chaincode, function_name, identity, partition_key, correlation_id,
          tx_id, validation_code, block_number, result, reason, attempts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (request_id) DO UPDATE
         SET status = EXCLUDED.status, tx_id = EXCLUDED.tx_id, validation_code = EXCLUDED.validation_code,
             block_number = EXCLUDED.block_number, result = EXCLUDED.result, reason = EXCLUDED.reason,
             attempts = GREATEST(dapp_requests.attempts, EXCLUDED.attempts),
             queued_message = NULL, updated_at = now()
         WHERE dapp_requests.${NOT_FINAL}`,
        [
          request.requestId,
          request.mode,
          outcome.status,
          ...describing(request),
          outcome.txId ?? null,
          outcome.validationCode ?? null,
          outcome.blockNumber || null,
          outcome.result === undefined ? null : JSON.stringify(outcome.result),
          outcome.reason === undefined ? null : JSON.stringify(outcome.reason),
          outcome.attempts,
        ],
      ),
    );
    return written.rowCount === 1;
  }

  /**
   * Notes an attempt's transaction id before it is sent to the orderer, so the ledger can be asked
   * about it whatever happens next (a crash, a lost answer).
   */
  async recordAttempt(requestId: string, txId: string): Promise<void> {
    const recorded = await this.pool.query(
      prepared(
        'record-attempt',
        `UPDATE dapp_requests
          SET attempt_tx_ids = array_append(attempt_tx_ids, $2), last_sent_at = now(),
              updated_at = now()
        WHERE request_id = $1 AND ${NOT_FINAL}`,
        [requestId, txId],
      ),
    );
    // A request settled meanwhile (e.g. failed by the reconciler) must not get a new attempt.
    if (recorded.rowCount !== 1) {
      throw new Error(`request ${requestId} is already final here; the attempt is not sent`);
    }
  }

  /**
   * The outcome is not known: an attempt may still commit. Only the ledger settles it; the queued
   * message is kept for an async request so that it can be published again if nothing commits.
   */
  async recordUnknown(
    requestId: string,
    details: { reason: FailureReason; attempts: number; queuedMessage?: unknown },
  ): Promise<void> {
    await this.pool.query(
      `UPDATE dapp_requests
          SET status = 'unknown', reason = $2, attempts = GREATEST(attempts, $3),
              queued_message = COALESCE($4, queued_message), updated_at = now()
        WHERE request_id = $1 AND ${NOT_FINAL}`,
      [
        requestId,
        JSON.stringify(details.reason),
        details.attempts,
        details.queuedMessage === undefined ? null : JSON.stringify(details.queuedMessage),
      ],
    );
  }

  /** Unfinished requests untouched for `idleMs`, oldest first: what the reconciler looks at. */
  async unresolved(
    idleMs: number,
    limit: number,
  ): Promise<(RequestRecord & { queuedMessage?: unknown })[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT * FROM dapp_requests
        WHERE ${NOT_FINAL} AND updated_at < now() - make_interval(secs => $1::double precision / 1000)
        ORDER BY updated_at LIMIT $2`,
      [idleMs, limit],
    );
    return rows.map((row) => {
      const record: RequestRecord & { queuedMessage?: unknown } = toRecord(row);
      if (row.queued_message !== null) record.queuedMessage = row.queued_message;
      return record;
    });
  }

  /** Marks a request as looked at, so the next round takes others first. */
  async touch(requestId: string): Promise<void> {
    await this.pool.query(
      `UPDATE dapp_requests SET updated_at = now() WHERE request_id = $1 AND ${NOT_FINAL}`,
      [requestId],
    );
  }

  /** Unfinished requests by mode and status, and those unfinished for longer than `stuckMs`. */
  async unfinishedCounts(
    stuckMs: number,
  ): Promise<{ mode: RequestMode; status: RequestStatus; count: number; stuck: number }[]> {
    const { rows } = await this.pool.query<{
      mode: RequestMode;
      status: RequestStatus;
      count: string;
      stuck: string;
    }>(
      `SELECT mode, status, count(*) AS count,
              count(*) FILTER (WHERE created_at < now() - make_interval(secs => $1::double precision / 1000)) AS stuck
         FROM dapp_requests WHERE ${NOT_FINAL} GROUP BY mode, status`,
      [stuckMs],
    );
    return rows.map((row) => ({
      mode: row.mode,
      status: row.status,
      count: Number(row.count),
      stuck: Number(row.stuck),
    }));
  }

  /** This store's identity: the Kafka consumer group is bound to it. */
  async storeId(): Promise<string> {
    const { rows } = await this.pool.query<{ store_id: string }>('SELECT store_id FROM dapp_store');
    if (!rows[0]) throw new Error('the DAPP database has no store id; run its migrations');
    return rows[0].store_id;
  }

  /** Requests accepted but not yet finished: the async queue's depth. */
  async unfinishedCount(): Promise<number> {
    const { rows } = await this.pool.query<{ count: string }>(
      `SELECT count(*) AS count FROM dapp_requests WHERE ${NOT_FINAL}`,
    );
    return Number(rows[0]?.count ?? 0);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await closePool(this.pool);
  }
}
