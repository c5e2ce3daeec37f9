// SPDX-License-Identifier: Apache-2.0
import { sql } from 'kysely';

import { ASSET_OBJECT_TYPE } from '@consortia/chaincode/contract';

import type { Direction } from './cursor';
import { storedCompositeKey } from './keys';
import type { MirrorDb } from './schema';
import type { SortColumn } from './sorted';
import { beyond } from './sorted';

const ASSET_COLUMNS = [
  'chaincode',
  'asset_id',
  'asset_type',
  'owner_msp',
  'owner_id',
  'status',
  'attributes',
  'private_details_hash',
  'created_at',
  'updated_at',
  'block_number',
  'tx_id',
] as const;

export interface AssetFilter {
  ownerMsp?: string;
  status?: string;
}

/** A channel's assets in (chaincode, id) order, `limit + 1` in travel order. */
export function assetsByKey(
  db: MirrorDb,
  channel: string,
  filter: AssetFilter,
  travel: Direction<[string, string]>,
  limit: number,
) {
  let query = db.selectFrom('v_assets').select(ASSET_COLUMNS).where('channel', '=', channel);
  if (filter.ownerMsp !== undefined) query = query.where('owner_msp', '=', filter.ownerMsp);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (travel.kind !== 'first') {
    const [chaincode, id] = travel.key;
    query = query.where((eb) =>
      eb(
        eb.refTuple('chaincode', 'asset_id'),
        travel.kind === 'after' ? '>' : '<',
        eb.tuple(chaincode, id),
      ),
    );
  }
  const order = travel.kind === 'before' ? 'desc' : 'asc';
  return query
    .orderBy('chaincode', order)
    .orderBy('asset_id', order)
    .limit(limit + 1)
    .execute();
}

export type AssetRow = Awaited<ReturnType<typeof assetsByKey>>[number];

export type AssetSort = 'id' | 'updatedAt' | 'createdAt' | 'blockNumber';

type AssetColumn = 'asset_id' | 'updated_at' | 'created_at' | 'block_number';

export const ASSET_SORTS: Record<AssetSort, SortColumn<AssetColumn>[]> = {
  id: [{ column: 'asset_id', cast: 'text' }],
  updatedAt: [
    { column: 'updated_at', cast: 'text' },
    { column: 'asset_id', cast: 'text' },
  ],
  createdAt: [
    { column: 'created_at', cast: 'text' },
    { column: 'asset_id', cast: 'text' },
  ],
  blockNumber: [
    { column: 'block_number', cast: 'bigint' },
    { column: 'asset_id', cast: 'text' },
  ],
};

export interface AssetSearch {
  ownerMsp?: string;
  ownerId?: string;
  type?: string;
  status?: string;
  idPrefix?: string;
  /** Public attributes to match, compared as text (a number 20 matches '20'). */
  attributes?: Record<string, string>;
  updatedAfter?: string;
  updatedBefore?: string;
}

/** One chaincode's assets matching `search`, sorted, `limit + 1` after the keyset `after`. */
export function searchAssets(
  db: MirrorDb,
  scope: { channel: string; chaincode: string },
  search: AssetSearch,
  order: { sort: AssetSort; descending: boolean; after?: readonly (string | number)[] },
  limit: number,
) {
  let query = db
    .selectFrom('v_assets')
    .select(ASSET_COLUMNS)
    .where('channel', '=', scope.channel)
    .where('chaincode', '=', scope.chaincode);
  // Owner, type and status as one JSON containment test, which datasync's GIN index on the
  // world state's documents answers without scanning every asset.
  const contained: Record<string, unknown> = {};
  if (search.ownerMsp !== undefined || search.ownerId !== undefined) {
    contained.owner = { mspId: search.ownerMsp, ownerId: search.ownerId };
  }
  if (search.type !== undefined) contained.type = search.type;
  if (search.status !== undefined) contained.status = search.status;
  if (Object.keys(contained).length > 0) {
    query = query.where(sql<boolean>`document @> ${JSON.stringify(contained)}::jsonb`);
  }
  if (search.idPrefix !== undefined) {
    query = query.where(sql<boolean>`starts_with(asset_id, ${search.idPrefix})`);
  }
  for (const [name, value] of Object.entries(search.attributes ?? {})) {
    query = query.where(sql<boolean>`attributes ->> ${name} = ${value}`);
  }
  if (search.updatedAfter !== undefined) {
    query = query.where(
      sql<boolean>`updated_at::timestamptz > ${search.updatedAfter}::timestamptz`,
    );
  }
  if (search.updatedBefore !== undefined) {
    query = query.where(
      sql<boolean>`updated_at::timestamptz < ${search.updatedBefore}::timestamptz`,
    );
  }
  const columns = ASSET_SORTS[order.sort];
  if (order.after !== undefined)
    query = query.where(beyond(columns, order.after, order.descending));
  for (const column of columns) {
    query = query.orderBy(column.column, order.descending ? 'desc' : 'asc');
  }
  return query.limit(limit + 1).execute();
}

/** One asset by id. */
export function getAsset(db: MirrorDb, scope: { channel: string; chaincode: string }, id: string) {
  return db
    .selectFrom('v_assets')
    .select(ASSET_COLUMNS)
    .where('channel', '=', scope.channel)
    .where('chaincode', '=', scope.chaincode)
    .where('asset_id', '=', id)
    .executeTakeFirst();
}

/** Every VALID write of the asset's key, newest first, deletions included; `limit + 1`. */
export function assetHistory(
  db: MirrorDb,
  scope: { channel: string; chaincode: string },
  id: string,
  after: readonly [string | number, string | number] | undefined,
  limit: number,
) {
  let query = db
    .selectFrom('writes as w')
    .innerJoin('transactions as t', (join) =>
      join
        .onRef('t.channel', '=', 'w.channel')
        .onRef('t.block_number', '=', 'w.block_number')
        .onRef('t.tx_index', '=', 'w.tx_index'),
    )
    .select([
      'w.tx_id',
      'w.block_number',
      'w.tx_index',
      't.timestamp',
      't.function',
      't.creator_msp',
      't.correlation_id',
      'w.is_delete',
      'w.value_json',
    ])
    .where('w.channel', '=', scope.channel)
    .where('w.namespace', '=', scope.chaincode)
    .where('w.collection', '=', '')
    .where('w.key', '=', storedCompositeKey(ASSET_OBJECT_TYPE, [id]))
    .where('t.validation_code', '=', 0);
  if (after !== undefined) {
    query = query.where(
      beyond(
        [
          { column: 'w.block_number', cast: 'bigint' },
          { column: 'w.tx_index', cast: 'integer' },
        ],
        after,
        true,
      ),
    );
  }
  return query
    .orderBy('w.block_number', 'desc')
    .orderBy('w.tx_index', 'desc')
    .orderBy('w.write_index', 'desc')
    .limit(limit + 1)
    .execute();
}
