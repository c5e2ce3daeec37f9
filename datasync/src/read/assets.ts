// SPDX-License-Identifier: Apache-2.0
import { sql } from 'kysely';

import { ASSET_OBJECT_TYPE } from '@consortia/chaincode/contract';

import type { Direction } from './cursor';
import { storedCompositeKey } from './keys';
import type { MirrorDb } from './schema';
import type { SortColumn } from './sorted';
import { beyond, ledgerOrder, sortedRows, travelRows } from './sorted';
import { writesWithTransactions } from './state';

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
  return travelRows(query, ['chaincode', 'asset_id'], travel, limit);
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

/**
 * Ids starting with `prefix`: also bounded as a byte-order range, which the C-collated id index
 * answers whatever the database's collation (starts_with alone reads every asset).
 */
function idPrefix(prefix: string) {
  const id = sql`asset_id COLLATE "C"`;
  const above = nextPrefix(prefix);
  const bounds = [
    ...(prefix === '' ? [] : [sql`${id} >= ${prefix}`]),
    ...(above === undefined ? [] : [sql`${id} < ${above}`]),
    sql`starts_with(asset_id, ${prefix})`,
  ];
  return sql<boolean>`(${sql.join(bounds, sql` AND `)})`;
}

/**
 * The smallest string above every string that starts with `prefix` (in code point order), or
 * undefined when there is none (empty, or only the highest code point).
 */
export function nextPrefix(prefix: string): string | undefined {
  // code points, not UTF-16 units: byte order in UTF-8 is code point order
  const points = Array.from(prefix, (character) => character.codePointAt(0) ?? 0);
  while (points.length > 0) {
    const last = points.pop() ?? 0;
    if (last < 0x10ffff) {
      // surrogate code points are not characters: the one after U+D7FF is U+E000
      return String.fromCodePoint(...points, last === 0xd7ff ? 0xe000 : last + 1);
    }
  }
  return undefined;
}

/**
 * A public attribute equal to `value` as text (a number 20 matches '20'). The same test is also
 * put as JSON containment of what the text can stand for (the string itself, or the JSON value
 * it spells, kept as written so a long number stays exact), which the GIN index on the
 * documents answers for a rare value; the text comparison then keeps the exact matches.
 *
 * The planner estimates the containment from the documents' statistics, but has none for an
 * attribute's text and would take it as matching 0.5% of the rows on top: a value a third of the
 * assets hold looked rare, and every one of them was read and sorted for a page. Inside
 * coalesce (the same rows: NULL and false both leave a row out) it counts as one row in two, so
 * the containment's estimate decides between walking the sort order and the GIN index.
 */
function attributeIs(name: string, value: string) {
  const key = JSON.stringify(name);
  const candidates = [`{"attributes":{${key}:${JSON.stringify(value)}}}`];
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed !== null && typeof parsed !== 'string') {
      candidates.push(`{"attributes":{${key}:${value}}}`);
    }
  } catch {
    // only the string itself
  }
  const contained = candidates.map((candidate) => sql`document @> ${candidate}::jsonb`);
  return sql<boolean>`((${sql.join(contained, sql` OR `)}) AND coalesce(attributes ->> ${name} = ${value}, false))`;
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
  // Each equality on its own expression index (in id order) with its own statistics, so the
  // planner walks a rare value's index and a common value's sort order.
  if (search.ownerMsp !== undefined) query = query.where('owner_msp', '=', search.ownerMsp);
  if (search.ownerId !== undefined) query = query.where('owner_id', '=', search.ownerId);
  if (search.type !== undefined) query = query.where('asset_type', '=', search.type);
  if (search.status !== undefined) query = query.where('status', '=', search.status);
  if (search.idPrefix !== undefined) query = query.where(idPrefix(search.idPrefix));
  for (const [name, value] of Object.entries(search.attributes ?? {})) {
    query = query.where(attributeIs(name, value));
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
  return sortedRows(query, ASSET_SORTS[order.sort], order, limit);
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
  let query = writesWithTransactions(db)
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
  if (after !== undefined) query = query.where(beyond(ledgerOrder('w'), after, true));
  return query
    .orderBy('w.block_number', 'desc')
    .orderBy('w.tx_index', 'desc')
    .orderBy('w.write_index', 'desc')
    .limit(limit + 1)
    .execute();
}
