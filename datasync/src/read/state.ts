// SPDX-License-Identifier: Apache-2.0
import { sql } from 'kysely';

import type { Direction } from './cursor';
import { escapeKey } from './keys';
import type { MirrorDb, WorldStateTable } from './schema';
import { searchPage, STATE_COLUMNS } from './state-search';
import { valueColumns } from './values';

/** A channel's namespaces, by skip scan: one index probe per distinct value. */
export async function namespaces(db: MirrorDb, channel: string): Promise<string[]> {
  const { rows } = await sql<{ namespace: string }>`
    WITH RECURSIVE ns AS (
      (SELECT namespace FROM world_state WHERE channel = ${channel} ORDER BY namespace LIMIT 1)
      UNION ALL
      SELECT (SELECT w.namespace FROM world_state w
               WHERE w.channel = ${channel} AND w.namespace > ns.namespace
               ORDER BY w.namespace LIMIT 1)
        FROM ns WHERE ns.namespace IS NOT NULL)
    SELECT namespace FROM ns WHERE namespace IS NOT NULL LIMIT 500`.execute(db);
  return rows.map((row) => row.namespace);
}

/** A namespace's object types, by skip scan. */
export async function objectTypes(
  db: MirrorDb,
  channel: string,
  namespace: string,
): Promise<string[]> {
  const { rows } = await sql<{ object_type: string }>`
    WITH RECURSIVE types AS (
      (SELECT object_type FROM world_state
        WHERE channel = ${channel} AND namespace = ${namespace} AND object_type IS NOT NULL
        ORDER BY object_type LIMIT 1)
      UNION ALL
      SELECT (SELECT w.object_type FROM world_state w
               WHERE w.channel = ${channel} AND w.namespace = ${namespace}
                 AND w.object_type > types.object_type
               ORDER BY w.object_type LIMIT 1)
        FROM types WHERE types.object_type IS NOT NULL)
    SELECT object_type FROM types WHERE object_type IS NOT NULL LIMIT 200`.execute(db);
  return rows.map((row) => row.object_type);
}

export interface StateFilter {
  objectType?: string;
  /** Keys containing this text (case-insensitive, matched against the stored form). */
  search?: string;
}

function stateQuery(db: MirrorDb, channel: string, namespace: string, filter: StateFilter) {
  let query = db
    .selectFrom('world_state as ws')
    .where('ws.channel', '=', channel)
    .where('ws.namespace', '=', namespace);
  if (filter.objectType !== undefined)
    query = query.where('ws.object_type', '=', filter.objectType);
  return query;
}

/**
 * A namespace's world state in (collection, key) order, `limit + 1` in travel order, and
 * whether any row lies on the far side of the cursor (keys can be deleted, so it is asked).
 */
export async function statePage(
  db: MirrorDb,
  at: { channel: string; namespace: string },
  filter: StateFilter,
  travel: Direction<[string, string]>,
  limit: number,
  valueBytes: number,
) {
  if (filter.search)
    return searchedPage(db, { ...at, ...filter, search: filter.search }, travel, limit, valueBytes);
  const base = stateQuery(db, at.channel, at.namespace, filter);
  const rowsQuery = base.select(STATE_COLUMNS).select(valueColumns('ws', valueBytes));
  if (travel.kind === 'first') {
    const rows = await rowsQuery
      .orderBy('ws.collection', 'asc')
      .orderBy('ws.key', 'asc')
      .limit(limit + 1)
      .execute();
    return { rows, otherSide: false };
  }
  const [collection, key] = travel.key;
  const order = travel.kind === 'after' ? 'asc' : 'desc';
  const [rows, probe] = await Promise.all([
    rowsQuery
      .where((eb) =>
        eb(
          eb.refTuple('ws.collection', 'ws.key'),
          travel.kind === 'after' ? '>' : '<',
          eb.tuple(collection, key),
        ),
      )
      .orderBy('ws.collection', order)
      .orderBy('ws.key', order)
      .limit(limit + 1)
      .execute(),
    base
      .select('ws.key')
      .where((eb) =>
        eb(
          eb.refTuple('ws.collection', 'ws.key'),
          travel.kind === 'after' ? '<=' : '>=',
          eb.tuple(collection, key),
        ),
      )
      .orderBy('ws.collection', 'asc')
      .orderBy('ws.key', 'asc')
      .limit(1)
      .execute(),
  ]);
  return { rows, otherSide: probe.length > 0 };
}

/** A page of keys containing a text (./state-search), and whether any lies behind the cursor. */
async function searchedPage(
  db: MirrorDb,
  scope: { channel: string; namespace: string; objectType?: string; search: string },
  travel: Direction<[string, string]>,
  limit: number,
  valueBytes: number,
) {
  if (travel.kind === 'first') {
    return { rows: await searchPage(db, scope, travel, limit + 1, valueBytes), otherSide: false };
  }
  const back = { kind: travel.kind === 'after' ? 'before' : 'after', key: travel.key } as const;
  const [rows, probe] = await Promise.all([
    searchPage(db, scope, travel, limit + 1, valueBytes),
    // from the cursor's own key back, as the unsearched page's probe
    searchPage(db, scope, back, 1, 0, true),
  ]);
  return { rows, otherSide: probe.length > 0 };
}

export type StateRow = Awaited<ReturnType<typeof statePage>>['rows'][number];

export interface KeyAddress {
  channel: string;
  namespace: string;
  collection: string;
  /** The stored (escaped) key. */
  key: string;
}

/** A key's current value, cut at `valueBytes`. */
export function currentValue(db: MirrorDb, at: KeyAddress, valueBytes: number) {
  return db
    .selectFrom('world_state as ws')
    .select(STATE_COLUMNS)
    .select(valueColumns('ws', valueBytes))
    .where('ws.channel', '=', at.channel)
    .where('ws.namespace', '=', at.namespace)
    .where('ws.collection', '=', at.collection)
    .where('ws.key', '=', at.key)
    .execute();
}

/** Writes (`w`) joined with the transactions (`t`) that made them. */
export function writesWithTransactions(db: MirrorDb) {
  return db
    .selectFrom('writes as w')
    .innerJoin('transactions as t', (join) =>
      join
        .onRef('t.channel', '=', 'w.channel')
        .onRef('t.block_number', '=', 'w.block_number')
        .onRef('t.tx_index', '=', 'w.tx_index'),
    );
}

/** Every write to a key, newest first, with its transaction's validity; `limit + 1`. */
export function keyHistory(
  db: MirrorDb,
  at: KeyAddress,
  travel: Direction<[number, number, number]>,
  limit: number,
  valueBytes: number,
) {
  const [block, index, write] =
    travel.kind === 'first' ? [Number.MAX_SAFE_INTEGER, 0, 0] : travel.key;
  const order = travel.kind === 'before' ? 'asc' : 'desc';
  return writesWithTransactions(db)
    .select([
      'w.block_number',
      'w.tx_index',
      'w.write_index',
      'w.tx_id',
      'w.is_delete',
      'w.object_type',
      'w.key_attributes',
      't.validation_code',
      't.timestamp',
    ])
    .select(valueColumns('w', valueBytes))
    .where('w.channel', '=', at.channel)
    .where('w.namespace', '=', at.namespace)
    .where('w.collection', '=', at.collection)
    .where('w.key', '=', at.key)
    .where((eb) =>
      eb(
        eb.refTuple('w.block_number', 'w.tx_index', 'w.write_index'),
        travel.kind === 'before' ? '>' : '<',
        eb.tuple(String(block), index, write),
      ),
    )
    .orderBy('w.block_number', order)
    .orderBy('w.tx_index', order)
    .orderBy('w.write_index', order)
    .limit(limit + 1)
    .execute();
}

/** The `_lifecycle` namespace's committed chaincode definitions (their `fields` keys). */
export function lifecycleFields(db: MirrorDb, channel: string) {
  return db
    .selectFrom('world_state')
    .select(['key', 'value', 'block_number', 'tx_index', 'tx_id'])
    .where('channel', '=', channel)
    .where('namespace', '=', '_lifecycle')
    .where('collection', '=', '')
    .where('key', 'like', 'namespaces/fields/%')
    .execute();
}

/**
 * Keys a search text can name: the whole simple key in one of `namespaces`, or one part of a
 * composite key anywhere (the GIN index on key attributes answers it). At most 20.
 */
export async function keysNamed(
  db: MirrorDb,
  text: string,
  within: { channels: string[]; namespaces: string[] },
) {
  const { rows } = await sql<
    Pick<
      WorldStateTable,
      'channel' | 'namespace' | 'collection' | 'key' | 'object_type' | 'key_attributes'
    >
  >`
    (SELECT channel, namespace, collection, key, object_type, key_attributes FROM world_state
      WHERE channel = ANY(${within.channels}) AND namespace = ANY(${within.namespaces})
        AND collection = '' AND key = ${escapeKey(text)})
    UNION
    (SELECT channel, namespace, collection, key, object_type, key_attributes FROM world_state
      WHERE key_attributes @> jsonb_build_array(${text}::text) LIMIT 20)
    ORDER BY channel, namespace, collection, key LIMIT 20`.execute(db);
  return rows;
}
