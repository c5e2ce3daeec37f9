// SPDX-License-Identifier: Apache-2.0
import type pg from 'pg';

import type { WriteCall } from '../dapp/client';

/** `unknown`: the transaction may still commit; only the DAPP (from the ledger) settles it. */
export type WriteStatus = 'submitted' | 'queued' | 'unknown' | 'committed' | 'failed';

export const isFinalWrite = (status: string): boolean =>
  status === 'committed' || status === 'failed';

export interface WriteRequest {
  requestId: string;
  userId: string;
  username: string;
  action: string;
  mode: 'sync' | 'async';
  target: string | null;
  correlationId: string | null;
  status: WriteStatus;
  txId: string | null;
  blockNumber: string | null;
  createdAt: string;
  /** When it was last sent to the DAPP (a retry of a request never received resends it). */
  sentAt: string;
  /** Hash of what was asked (function, arguments, private data), so a key is reused only for it. */
  requestHash: string | null;
  /** The call sent to the DAPP, when it may be sent again (no private data); else null. */
  dappCall: WriteCall | null;
}

interface Row {
  request_id: string;
  user_id: string;
  username: string;
  action: string;
  mode: 'sync' | 'async';
  target: string | null;
  correlation_id: string | null;
  status: WriteStatus;
  tx_id: string | null;
  block_number: string | null;
  created_at: Date;
  sent_at: Date;
  request_hash: string | null;
  dapp_call: WriteCall | null;
}

function toRequest(row: Row): WriteRequest {
  return {
    requestId: row.request_id,
    userId: row.user_id,
    username: row.username,
    action: row.action,
    mode: row.mode,
    target: row.target,
    correlationId: row.correlation_id,
    status: row.status,
    txId: row.tx_id,
    blockNumber: row.block_number,
    createdAt: row.created_at.toISOString(),
    sentAt: row.sent_at.toISOString(),
    requestHash: row.request_hash,
    dappCall: row.dapp_call,
  };
}

/**
 * The writes this app-api relayed to the DAPP: who asked (so the status is shown only to them
 * or to a reader of any), and the transaction each became, tying correlation ids to tx ids.
 */
export class WriteRequestStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Records a new request; answers the existing one when the id is already known. */
  async create(
    request: Omit<WriteRequest, 'status' | 'txId' | 'blockNumber' | 'createdAt' | 'sentAt'>,
  ): Promise<{ created: true } | { created: false; existing: WriteRequest }> {
    const inserted = await this.pool.query(
      `INSERT INTO write_requests
         (request_id, user_id, username, action, mode, target, correlation_id, request_hash, dapp_call, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'submitted') ON CONFLICT (request_id) DO NOTHING`,
      [
        request.requestId,
        request.userId,
        request.username,
        request.action,
        request.mode,
        request.target,
        request.correlationId,
        request.requestHash,
        request.dappCall === null ? null : JSON.stringify(request.dappCall),
      ],
    );
    if (inserted.rowCount === 1) return { created: true };
    const existing = await this.get(request.requestId);
    if (!existing) throw new Error(`request ${request.requestId} vanished`);
    return { created: false, existing };
  }

  async get(requestId: string): Promise<WriteRequest | undefined> {
    const { rows } = await this.pool.query<Row>(
      'SELECT * FROM write_requests WHERE request_id = $1',
      [requestId],
    );
    return rows[0] ? toRequest(rows[0]) : undefined;
  }

  /**
   * Records what the DAPP said. Committed and failed are final: once written, the row never
   * changes again (a late or stale answer cannot undo them).
   */
  async recordOutcome(
    requestId: string,
    outcome: { status: WriteStatus; txId?: string; blockNumber?: string },
  ): Promise<boolean> {
    const written = await this.pool.query(
      `UPDATE write_requests
          SET status = $2, tx_id = COALESCE($3, tx_id), block_number = COALESCE($4::bigint, block_number),
              updated_at = now()
        WHERE request_id = $1 AND status NOT IN ('committed', 'failed')`,
      [requestId, outcome.status, outcome.txId ?? null, outcome.blockNumber ?? null],
    );
    return written.rowCount === 1;
  }

  /**
   * Reopens a write recorded `failed` because the DAPP never received it, for a retry to send it
   * again. Only the one retry that flips it gets true; nothing else ever leaves a final status.
   */
  async resend(requestId: string): Promise<boolean> {
    const reopened = await this.pool.query(
      `UPDATE write_requests SET status = 'submitted', tx_id = NULL, block_number = NULL,
              sent_at = now(), updated_at = now()
        WHERE request_id = $1 AND status = 'failed'`,
      [requestId],
    );
    return reopened.rowCount === 1;
  }

  /** Restarts the never-received wait of a write the app-api is sending to the DAPP again. */
  async markSent(requestId: string): Promise<void> {
    await this.pool.query(
      `UPDATE write_requests SET sent_at = now(), updated_at = now()
        WHERE request_id = $1 AND status NOT IN ('committed', 'failed')`,
      [requestId],
    );
  }

  /** Writes without a final status, untouched for `idleMs`, oldest first. */
  async unsettled(idleMs: number, limit: number): Promise<WriteRequest[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT * FROM write_requests
        WHERE status NOT IN ('committed', 'failed')
          AND updated_at < now() - make_interval(secs => $1::double precision / 1000)
        ORDER BY updated_at LIMIT $2`,
      [idleMs, limit],
    );
    return rows.map(toRequest);
  }

  /** Marks a write as looked at, so the next round takes others first. */
  async touch(requestId: string): Promise<void> {
    await this.pool.query(
      `UPDATE write_requests SET updated_at = now()
        WHERE request_id = $1 AND status NOT IN ('committed', 'failed')`,
      [requestId],
    );
  }

  /** Transactions this app-api submitted under a correlation id (the ledger may not keep it). */
  async txIdsForCorrelation(correlationId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ tx_id: string }>(
      'SELECT tx_id FROM write_requests WHERE correlation_id = $1 AND tx_id IS NOT NULL',
      [correlationId],
    );
    return rows.map((row) => row.tx_id);
  }
}
