// SPDX-License-Identifier: Apache-2.0
import { sql } from 'kysely';

import type { MirrorDb } from './schema';

export interface Window {
  channel: string;
  from: Date;
  to: Date;
}

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

/** Valid and invalid transactions per time bucket of `bucketSeconds`, aligned to `from`. */
export function activitySeries(db: MirrorDb, window: Window, bucketSeconds: number) {
  return inWindow(db, window)
    .select([
      sql<Date>`date_bin(make_interval(secs => ${bucketSeconds}), timestamp, ${window.from}::timestamptz)`.as(
        'bucket',
      ),
      counts.valid,
      counts.invalid,
    ])
    .groupBy(sql.lit(1))
    .orderBy(sql.lit(1))
    .execute();
}

/** The busiest values of `by` (chaincode or creator organization) in the window, at most 12. */
export function activityBy(
  db: MirrorDb,
  window: Window,
  by: 'chaincode' | 'creator_msp',
  none: string,
) {
  return inWindow(db, window)
    .select([
      sql<string>`coalesce(${sql.ref(by)}, ${none})`.as('name'),
      counts.valid,
      counts.invalid,
    ])
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
