// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';
import pg from 'pg';
import type { ClientConfig } from 'pg';

/** The advisory-lock class of request claims ("DAPP"), apart from any other user of the database. */
const CLAIM_LOCK_CLASS = 0x44415050;

export interface Claim {
  release(): Promise<void>;
}

export interface ClaimOptions {
  /** How often a request held by another worker is asked for again. */
  pollMs?: number;
}

/**
 * Which worker is processing a queued request, across every worker on one request store. After a
 * rebalance, Kafka hands a partition to another worker while the previous owner is still finishing
 * the messages it started; the new owner waits for those before it looks at them, so one request
 * is never submitted by two workers at once.
 *
 * A claim is a Postgres advisory lock held by one session per worker process: a worker that
 * crashes loses its session, and with it every claim, without anyone having to time them out.
 * Locks are re-entrant within a session, which is fine: one worker runs a request's deliveries
 * one after another.
 */
export class RequestClaims {
  private session: Promise<pg.Client> | undefined;
  /** The session's statements, one at a time (a pg client must not be sent two at once). */
  private statements: Promise<unknown> = Promise.resolve();
  private readonly pollMs: number;

  constructor(
    private readonly connection: ClientConfig,
    private readonly logger: Logger,
    options: ClaimOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 200;
  }

  /**
   * Claims a request, waiting while another worker holds it. Resolves undefined, claiming
   * nothing, once `cancelled()` answers true (the worker is stopping).
   */
  async claim(requestId: string, cancelled: () => boolean): Promise<Claim | undefined> {
    let waited = false;
    for (;;) {
      if (cancelled()) return undefined;
      const session = await this.open();
      const { rows } = await this.statement<{ claimed: boolean }>(
        session,
        'SELECT pg_try_advisory_lock($1::int4, hashtext($2)) AS claimed',
        requestId,
      );
      if (rows[0]?.claimed) return { release: () => this.release(session, requestId) };
      if (!waited) {
        waited = true;
        this.logger.info({ requestId }, 'request held by another worker; waiting for it');
      }
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    const client = await session.catch(() => undefined);
    await client?.end().catch(() => undefined);
  }

  private async release(session: pg.Client, requestId: string): Promise<void> {
    // A session that ended took its claims with it; there is nothing left to release.
    if (this.session === undefined || (await this.session.catch(() => undefined)) !== session) {
      return;
    }
    await this.statement(
      session,
      'SELECT pg_advisory_unlock($1::int4, hashtext($2))',
      requestId,
    ).catch((error: unknown) =>
      this.logger.warn({ err: error, requestId }, 'request claim not released'),
    );
  }

  private statement<R extends pg.QueryResultRow>(
    session: pg.Client,
    text: string,
    requestId: string,
  ): Promise<pg.QueryResult<R>> {
    const result = this.statements.then(() =>
      session.query<R>(text, [CLAIM_LOCK_CLASS, requestId]),
    );
    this.statements = result.catch(() => undefined);
    return result;
  }

  private open(): Promise<pg.Client> {
    if (!this.session) {
      const client = new pg.Client(this.connection);
      const opening = client.connect().then(() => client);
      const lost = (error: unknown) => {
        if (this.session !== opening) return;
        this.session = undefined;
        this.logger.warn({ err: error }, 'request claims lost with their database session');
      };
      client.on('error', lost);
      client.on('end', () => lost(new Error('the claims session ended')));
      // A failed connection is not kept: the next claim opens a new one.
      opening.catch(lost);
      this.session = opening;
    }
    return this.session;
  }
}
