// SPDX-License-Identifier: Apache-2.0
import { sql } from 'kysely';

import type { MirrorDb } from './schema';

export interface Window {
  channel: string;
  from: Date;
  to: Date;
}

/** The bucket sizes of activity_rollup, in seconds (buckets aligned to the Unix epoch). */
export const ROLLUP_BUCKETS = [60, 1800] as const;

const counts = {
  valid: sql<string>`count(*) FILTER (WHERE validation_code = 0)`.as('valid'),
  invalid: sql<string>`count(*) FILTER (WHERE validation_code <> 0)`.as('invalid'),
};

function inWindow(db: MirrorDb, window: Window) {
  return db
    .selectFrom('transactions')
    .where('channel', '=', window.channel)
    .where('timestamp', '>=', window.from)
    .where('timestamp', '<', window.to);
}

/** Rollup rows of one bucket size (a divisor of the chart's) that tile the window exactly. */
function rollup(db: MirrorDb, window: Window, bucketSeconds: number) {
  const size = ROLLUP_BUCKETS.filter((candidate) => bucketSeconds % candidate === 0)
    .filter((candidate) =>
      [window.from, window.to].every((edge) => edge.getTime() % (candidate * 1000) === 0),
    )
    .at(-1);
  if (size === undefined) return undefined;
  return db
    .selectFrom('activity_rollup')
    .where('channel', '=', window.channel)
    .where('bucket_seconds', '=', size)
    .where('bucket_start', '>=', window.from)
    .where('bucket_start', '<', window.to);
}

const summed = {
  valid: sql<string>`sum(valid)::bigint`.as('valid'),
  invalid: sql<string>`sum(invalid)::bigint`.as('invalid'),
};

/**
 * Valid and invalid transactions per time bucket of `bucketSeconds`, aligned to `from`. A
 * window whose edges and buckets fall on the writer's rollup buckets sums those; any other
 * counts its transactions.
 */
export function activitySeries(db: MirrorDb, window: Window, bucketSeconds: number) {
  const bucket = (column: 'timestamp' | 'bucket_start') =>
    sql<Date>`date_bin(make_interval(secs => ${bucketSeconds}), ${sql.ref(column)}, ${window.from}::timestamptz)`.as(
      'bucket',
    );
  const rolled = rollup(db, window, bucketSeconds);
  if (rolled) {
    return rolled
      .select([bucket('bucket_start'), summed.valid, summed.invalid])
      .groupBy(sql.lit(1))
      .orderBy(sql.lit(1))
      .execute();
  }
  return inWindow(db, window)
    .select([bucket('timestamp'), counts.valid, counts.invalid])
    .groupBy(sql.lit(1))
    .orderBy(sql.lit(1))
    .execute();
}

/**
 * The busiest values of `by` (chaincode or creator organization) in the window, at most 12;
 * from the rollup when the window's edges fall on its buckets.
 */
export function activityBy(
  db: MirrorDb,
  window: Window,
  by: 'chaincode' | 'creator_msp',
  none: string,
) {
  const name = sql<string>`coalesce(${sql.ref(by)}, ${none})`.as('name');
  const rolled = rollup(db, window, (window.to.getTime() - window.from.getTime()) / 1000);
  if (rolled) {
    return rolled
      .select([name, summed.valid, summed.invalid])
      .groupBy(sql.lit(1))
      .orderBy(sql`sum(valid) + sum(invalid)`, 'desc')
      .orderBy(sql.lit(1))
      .limit(12)
      .execute();
  }
  return inWindow(db, window)
    .select([name, counts.valid, counts.invalid])
    .groupBy(sql.lit(1))
    .orderBy(sql`count(*)`, 'desc')
    .orderBy(sql.lit(1))
    .limit(12)
    .execute();
}

/** Transaction counts per chaincode ('' for none) in the blocks after `after` up to `upTo`. */
export function transactionCounts(db: MirrorDb, channel: string, after: number, upTo: number) {
  return db
    .selectFrom('transactions')
    .select([
      sql<string>`coalesce(chaincode, '')`.as('chaincode'),
      sql<string>`count(*)`.as('total'),
      counts.valid,
      sql<string>`max(block_number)`.as('last_block'),
    ])
    .where('channel', '=', channel)
    .where('block_number', '>', String(after))
    .where('block_number', '<=', String(upTo))
    .groupBy(sql.lit(1))
    .execute();
}
