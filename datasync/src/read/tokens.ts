// SPDX-License-Identifier: Apache-2.0
import { sql } from 'kysely';

import { BURNED_OBJECT_TYPE, TOKEN_OBJECT_TYPE } from '@consortia/chaincode/contract';

import type { Direction } from './cursor';
import type { MirrorDb } from './schema';
import type { SortColumn } from './sorted';
import { sortedRows, travelRows } from './sorted';

// Amounts as text: numeric values are exact base units, beyond what a JS number holds.
const BALANCE_COLUMNS = [
  'chaincode',
  'account',
  sql<string>`balance::text`.as('balance_text'),
  sql<string>`base_balance::text`.as('base_text'),
  sql<string>`pending_credits::text`.as('pending_text'),
  'pending_credit_count',
  'last_block',
] as const;

/** A channel's token balances in (chaincode, account) order, `limit + 1` in travel order. */
export function balancesByKey(
  db: MirrorDb,
  channel: string,
  travel: Direction<[string, string]>,
  limit: number,
) {
  const query = db
    .selectFrom('v_token_balances')
    .select(BALANCE_COLUMNS)
    .where('channel', '=', channel);
  return travelRows(query, ['chaincode', 'account'], travel, limit);
}

export type BalanceRow = Awaited<ReturnType<typeof balancesByKey>>[number];

export type BalanceSort = 'account' | 'balance';

export const BALANCE_SORTS: Record<BalanceSort, SortColumn<'account' | 'balance'>[]> = {
  account: [{ column: 'account', cast: 'text' }],
  balance: [
    { column: 'balance', cast: 'numeric' },
    { column: 'account', cast: 'text' },
  ],
};

/**
 * One chaincode's balances, optionally one account and at least `minBaseUnits`, sorted,
 * `limit + 1` after the keyset `after`. Sorting by balance sorts the number, not its text.
 */
export function searchBalances(
  db: MirrorDb,
  scope: { channel: string; chaincode: string },
  search: { account?: string; minBaseUnits?: string },
  order: { sort: BalanceSort; descending: boolean; after?: readonly (string | number)[] },
  limit: number,
) {
  let query = db
    .selectFrom('v_token_balances')
    .select(BALANCE_COLUMNS)
    .where('channel', '=', scope.channel)
    .where('chaincode', '=', scope.chaincode);
  if (search.account !== undefined) query = query.where('account', '=', search.account);
  if (search.minBaseUnits !== undefined) {
    query = query.where(sql<boolean>`balance >= ${search.minBaseUnits}::numeric`);
  }
  return sortedRows(query, BALANCE_SORTS[order.sort], order, limit);
}

/** The token's own records (config, minted, admin): JSON documents, else their text. */
export function tokenRecords(db: MirrorDb, scope: { channel: string; chaincode: string }) {
  return db
    .selectFrom('world_state')
    .select([
      sql<string>`key_attributes ->> 0`.as('name'),
      'value_json',
      sql<string | null>`CASE WHEN value_json IS NULL THEN convert_from(value, 'UTF8') END`.as(
        'text',
      ),
    ])
    .where('channel', '=', scope.channel)
    .where('namespace', '=', scope.chaincode)
    .where('collection', '=', '')
    .where('object_type', '=', TOKEN_OBJECT_TYPE)
    .execute();
}

/** Base units burned in all, summed over each burning account's running `burned` total. */
export async function burnedBaseUnits(
  db: MirrorDb,
  scope: { channel: string; chaincode: string },
): Promise<string> {
  const row = await db
    .selectFrom('world_state')
    .select(sql<string>`COALESCE(SUM(datasync_base_units(value)), 0)::text`.as('burned'))
    .where('channel', '=', scope.channel)
    .where('namespace', '=', scope.chaincode)
    .where('collection', '=', '')
    .where('object_type', '=', BURNED_OBJECT_TYPE)
    .executeTakeFirst();
  return row?.burned ?? '0';
}
