// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';
import type pg from 'pg';

/** The mirror's tables that grow with the ledger, whose statistics the read plans depend on. */
const GROWING_TABLES = [
  'blocks',
  'transactions',
  'writes',
  'world_state',
  'chaincode_events',
  'token_balances',
  'activity_rollup',
];

export interface StatisticsOptions {
  /** Transactions applied since the last ANALYZE before the next one, at the least. */
  minTransactions: number;
  /** ...and at least this share of the transactions the mirror held at the last one (0.2). */
  share?: number;
}

/**
 * Keeps the planner's statistics current while the mirror grows fast. Autovacuum analyzes a
 * table once a tenth of it changed, but looks at most once a minute: a mirror that has just
 * caught up on thousands of blocks is read with the statistics of a nearly empty one, and an
 * owner's asset listing that its index answers in 0.2 ms sorts every asset instead (31 ms on
 * 23,000 assets). So once the transactions applied since the last ANALYZE reach a share of the
 * mirror, its growing tables are analyzed at once: in the background (ANALYZE does not block
 * writes), one at a time, a few dozen times over a catch-up of a million transactions.
 */
export class PlannerStatistics {
  #applied = 0;
  #mirrored = 0;
  #running?: Promise<void>;

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
    private readonly options: StatisticsOptions,
  ) {}

  /** Starts from the planner's own estimate of the mirror's transactions (0 when unknown). */
  async start(): Promise<void> {
    try {
      const { rows } = await this.pool.query<{ estimate: number }>(
        `SELECT greatest(reltuples, 0)::float8 AS estimate FROM pg_class
          WHERE oid = to_regclass('transactions')`,
      );
      this.#mirrored = rows[0]?.estimate ?? 0;
    } catch (error) {
      this.logger.debug({ err: error }, 'no estimate of the mirrored transactions');
    }
  }

  /** Counts transactions just committed to the mirror; analyzes when enough have come. */
  applied(transactions: number): void {
    this.#applied += transactions;
    if (this.#running) return;
    const share = this.options.share ?? 0.2;
    const due = Math.max(this.options.minTransactions, this.#mirrored * share);
    if (this.#applied < due) return;
    const count = this.#applied;
    this.#applied = 0;
    this.#mirrored += count;
    this.#running = this.#analyze(count).finally(() => {
      this.#running = undefined;
    });
  }

  /** Waits for an ANALYZE under way. */
  async stop(): Promise<void> {
    await this.#running;
  }

  async #analyze(transactions: number): Promise<void> {
    const started = Date.now();
    try {
      await this.pool.query(`ANALYZE ${GROWING_TABLES.join(', ')}`);
      this.logger.info(
        { transactions, mirrored: this.#mirrored, durationMs: Date.now() - started },
        'planner statistics refreshed',
      );
    } catch (error) {
      // Autovacuum analyzes later; reads are only slower until it does.
      this.logger.warn({ err: error }, 'ANALYZE of the mirror failed');
    }
  }
}
