// SPDX-License-Identifier: Apache-2.0
import type pg from 'pg';

export type AuditOutcome = 'success' | 'accepted' | 'denied' | 'rejected' | 'failed';

export interface AuditEntry {
  userId: string | null;
  username: string | null;
  roles: string[];
  action: string;
  method: string;
  path: string;
  status: number;
  outcome: AuditOutcome;
  correlationId: string | null;
  ip: string | null;
  target: string | null;
  requestId: string | null;
  txId: string | null;
  errorCode: string | null;
  detail: Record<string, unknown> | null;
}

export interface AuditRecord extends AuditEntry {
  id: string;
  occurredAt: string;
}

export interface AuditFilters {
  username?: string;
  action?: string;
  outcome?: AuditOutcome;
  correlationId?: string;
  from?: string;
  to?: string;
  /** Keyset: entries older than this id. */
  before?: string;
  limit: number;
}

interface AuditRow {
  id: string;
  occurred_at: Date;
  user_id: string | null;
  username: string | null;
  roles: string[];
  action: string;
  method: string;
  path: string;
  status: number;
  outcome: AuditOutcome;
  correlation_id: string | null;
  ip: string | null;
  target: string | null;
  request_id: string | null;
  tx_id: string | null;
  error_code: string | null;
  detail: Record<string, unknown> | null;
}

/** The append-only audit trail (the table refuses updates and deletes). */
export class AuditStore {
  constructor(private readonly pool: pg.Pool) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.pool.query(
      `INSERT INTO audit_log (user_id, username, roles, action, method, path, status, outcome,
                              correlation_id, ip, target, request_id, tx_id, error_code, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        entry.userId,
        entry.username,
        entry.roles,
        entry.action,
        entry.method,
        entry.path,
        entry.status,
        entry.outcome,
        entry.correlationId,
        entry.ip,
        entry.target,
        entry.requestId,
        entry.txId,
        entry.errorCode,
        entry.detail,
      ],
    );
  }

  /** Newest first, keyset-paginated by id. */
  async query(filters: AuditFilters): Promise<AuditRecord[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    const add = (sql: (placeholder: string) => string, value: unknown) => {
      values.push(value);
      conditions.push(sql(`$${values.length}`));
    };
    if (filters.username !== undefined) add((p) => `username = ${p}`, filters.username);
    if (filters.action !== undefined) add((p) => `action = ${p}`, filters.action);
    if (filters.outcome !== undefined) add((p) => `outcome = ${p}`, filters.outcome);
    if (filters.correlationId !== undefined) {
      add((p) => `correlation_id = ${p}`, filters.correlationId);
    }
    if (filters.from !== undefined) add((p) => `occurred_at >= ${p}::timestamptz`, filters.from);
    if (filters.to !== undefined) add((p) => `occurred_at < ${p}::timestamptz`, filters.to);
    if (filters.before !== undefined) add((p) => `id < ${p}::bigint`, filters.before);
    values.push(filters.limit);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const { rows } = await this.pool.query<AuditRow>(
      `SELECT * FROM audit_log ${where} ORDER BY id DESC LIMIT $${values.length}`,
      values,
    );
    return rows.map((row) => ({
      id: row.id,
      occurredAt: row.occurred_at.toISOString(),
      userId: row.user_id,
      username: row.username,
      roles: row.roles,
      action: row.action,
      method: row.method,
      path: row.path,
      status: row.status,
      outcome: row.outcome,
      correlationId: row.correlation_id,
      ip: row.ip,
      target: row.target,
      requestId: row.request_id,
      txId: row.tx_id,
      errorCode: row.error_code,
      detail: row.detail,
    }));
  }
}
