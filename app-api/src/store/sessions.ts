// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';

import type pg from 'pg';

import type { RefreshTokenParts } from '../auth/tokens';
import { newRefreshToken, sameSecret, secretHash } from '../auth/tokens';

export interface IssuedRefreshToken {
  sessionId: string;
  refreshToken: string;
  expiresIn: number;
}

/** What presenting a refresh token led to. */
export type RotationResult =
  | { outcome: 'rotated'; userId: string; issued: IssuedRefreshToken }
  | { outcome: 'invalid' }
  | { outcome: 'expired'; userId: string; sessionId: string }
  | { outcome: 'revoked'; userId: string; sessionId: string }
  | { outcome: 'reused'; userId: string; sessionId: string };

interface TokenRow {
  id: string;
  session_id: string;
  secret_hash: Buffer;
  expired: boolean;
  used_at: Date | null;
  user_id: string;
  revoked_at: Date | null;
}

/** Sessions and their rotating refresh tokens. */
export class SessionStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly refreshTtlSeconds: number,
  ) {}

  private async insertToken(
    client: pg.Pool | pg.PoolClient,
    sessionId: string,
  ): Promise<IssuedRefreshToken> {
    const { id, secret, token } = newRefreshToken();
    await client.query(
      `INSERT INTO refresh_tokens (id, session_id, secret_hash, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [id, sessionId, secretHash(secret), this.refreshTtlSeconds],
    );
    return { sessionId, refreshToken: token, expiresIn: this.refreshTtlSeconds };
  }

  async create(
    userId: string,
    client: { ip?: string; userAgent?: string },
  ): Promise<IssuedRefreshToken> {
    const sessionId = crypto.randomUUID();
    await this.pool.query(
      'INSERT INTO sessions (id, user_id, ip, user_agent) VALUES ($1, $2, $3, $4)',
      [sessionId, userId, client.ip ?? null, client.userAgent?.slice(0, 512) ?? null],
    );
    return this.insertToken(this.pool, sessionId);
  }

  private async lookup(parts: RefreshTokenParts): Promise<TokenRow | undefined> {
    const { rows } = await this.pool.query<TokenRow>(
      `SELECT t.id, t.session_id, t.secret_hash, t.expires_at <= now() AS expired, t.used_at,
              s.user_id, s.revoked_at
         FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
        WHERE t.id = $1`,
      [parts.id],
    );
    const row = rows[0];
    return row && sameSecret(parts.secret, row.secret_hash) ? row : undefined;
  }

  /**
   * Spends a refresh token and issues the next one of its session. A token presented twice
   * means it leaked (or the client misbehaves): the whole session is revoked.
   */
  async rotate(parts: RefreshTokenParts): Promise<RotationResult> {
    const row = await this.lookup(parts);
    if (!row) return { outcome: 'invalid' };
    const session = { userId: row.user_id, sessionId: row.session_id };
    if (row.revoked_at) return { outcome: 'revoked', ...session };
    if (row.used_at) {
      await this.revoke(row.session_id, 'refresh token reused');
      return { outcome: 'reused', ...session };
    }
    if (row.expired) return { outcome: 'expired', ...session };
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Only one of two concurrent presentations of the same token may win.
      const spent = await client.query(
        'UPDATE refresh_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL',
        [row.id],
      );
      if (spent.rowCount !== 1) {
        await client.query('ROLLBACK');
        await this.revoke(row.session_id, 'refresh token reused');
        return { outcome: 'reused', ...session };
      }
      await client.query('UPDATE sessions SET refreshed_at = now() WHERE id = $1', [
        row.session_id,
      ]);
      const issued = await this.insertToken(client, row.session_id);
      await client.query('COMMIT');
      return { outcome: 'rotated', userId: row.user_id, issued };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** The session a refresh token belongs to, for logout; undefined when it is not one of ours. */
  async sessionOf(
    parts: RefreshTokenParts,
  ): Promise<{ sessionId: string; userId: string } | undefined> {
    const row = await this.lookup(parts);
    return row ? { sessionId: row.session_id, userId: row.user_id } : undefined;
  }

  async revoke(sessionId: string, reason: string): Promise<void> {
    await this.pool.query(
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
        WHERE id = $1 AND revoked_at IS NULL`,
      [sessionId, reason],
    );
  }

  /** Ends every session of a user (disabled, or password changed), except perhaps the current. */
  async revokeAll(userId: string, reason: string, except?: string): Promise<void> {
    await this.pool.query(
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
        WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)`,
      [userId, reason, except ?? null],
    );
  }
}
