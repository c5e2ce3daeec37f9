// SPDX-License-Identifier: Apache-2.0
/**
 * Key search in the state browser: a page of a namespace's keys containing a text, in key order.
 * The trigram index alone answers a text of many distinct trigrams, but a text of few (`A000000`,
 * `0000`) names a trigram almost every key has, and the index then hands back most of the
 * namespace for its rows to be checked and sorted. So a page is looked for in two steps, each
 * bounded and each giving the same rows as the one ordered query would:
 * 1. the first WALK keys past the cursor, in page order: a text common enough fills its page here;
 * 2. the keys beyond those: through the trigram index, the matches then sorted, for a text the
 *    index narrows (trigramsNarrow), or else by walking on in key order.
 * Step 1 costs at most WALK index entries; step 2 about the keys its trigrams name.
 */
import type { Expression, SqlBool } from 'kysely';
import { sql } from 'kysely';

import type { Direction } from './cursor';
import { containsPattern, escapeKey } from './keys';
import type { MirrorDb } from './schema';
import { valueColumns } from './values';

/** A world-state row's columns besides its value, as the state browser lists them. */
export const STATE_COLUMNS = [
  'ws.namespace',
  'ws.collection',
  'ws.key',
  'ws.object_type',
  'ws.key_attributes',
  'ws.block_number',
  'ws.tx_index',
  'ws.tx_id',
] as const;

/** Keys read in order before the trigram index is asked. */
export const WALK = 2_000;
/** Distinct trigrams a text whose trigrams repeat needs for the trigram index to be asked. */
export const MIN_TRIGRAMS = 3;

/**
 * About the trigrams Postgres' pg_trgm takes from a LIKE pattern `%text%` (those within each run
 * of letters and digits, lower-cased; it adds a few at a run's inner edges): how many, and how
 * many distinct.
 */
export function searchTrigrams(text: string): { windows: number; distinct: number } {
  const trigrams = new Set<string>();
  let windows = 0;
  for (const word of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    const characters = Array.from(word);
    for (let at = 0; at + 3 <= characters.length; at++) {
      trigrams.add(characters.slice(at, at + 3).join(''));
      windows++;
    }
  }
  return { windows, distinct: trigrams.size };
}

/**
 * Whether the trigram index narrows `text` to about the keys that contain it: it has trigrams,
 * and either none repeats (the keys having them all nearly always contain the text) or there
 * are MIN_TRIGRAMS distinct ones. `A000000` (`a00`, `000`) or `0000` are neither: the keys
 * having their few trigrams are far more than those containing them.
 */
export function trigramsNarrow(text: string): boolean {
  const { windows, distinct } = searchTrigrams(text);
  return distinct > 0 && (distinct === windows || distinct >= MIN_TRIGRAMS);
}

export interface SearchScope {
  channel: string;
  namespace: string;
  objectType?: string;
  search: string;
}

/** A (collection, key) bound on one side of a cursor, or none. */
type Bound = { op: '>' | '<' | '>=' | '<='; key: readonly [string, string] } | undefined;

/**
 * The rows of a search page in travel order, `take` at most: past the cursor (`travel`), or,
 * with `inclusive`, from the cursor's own key on. Values are cut at `valueBytes`.
 */
export async function searchPage(
  db: MirrorDb,
  scope: SearchScope,
  travel: Direction<[string, string]>,
  take: number,
  valueBytes: number,
  inclusive = false,
) {
  const order = travel.kind === 'before' ? 'desc' : 'asc';
  const op = order === 'asc' ? '>' : '<';
  const cursor: Bound =
    travel.kind === 'first'
      ? undefined
      : { op: inclusive ? (op === '>' ? '>=' : '<=') : op, key: travel.key };
  const pattern = containsPattern(escapeKey(scope.search));
  const matches = (text: Expression<string>): Expression<SqlBool> =>
    sql<SqlBool>`${text} ILIKE ${pattern} ESCAPE '!'`;
  /** The rows of the keys `keys` names, in page order. */
  const rows = (keys: ReturnType<typeof bounded>, as: 'walk' | 'found') => {
    let query = db
      .selectFrom(keys.select(['ws.collection', 'ws.key']).as(as))
      .innerJoin('world_state as ws', (join) =>
        join
          .on('ws.channel', '=', scope.channel)
          .on('ws.namespace', '=', scope.namespace)
          .onRef('ws.collection', '=', `${as}.collection`)
          .onRef('ws.key', '=', `${as}.key`),
      )
      .select(STATE_COLUMNS)
      .select(valueColumns('ws', valueBytes));
    if (scope.objectType !== undefined)
      query = query.where('ws.object_type', '=', scope.objectType);
    return query.orderBy(`${as}.collection`, order).orderBy(`${as}.key`, order);
  };

  // 1. the first WALK keys in order (every object type), their rows read where the key matches
  const walk = bounded(db, scope, cursor)
    .orderBy('ws.collection', order)
    .orderBy('ws.key', order)
    .limit(WALK);
  const first = await rows(walk, 'walk')
    .where(matches(sql.ref('walk.key')))
    .limit(take)
    .execute();
  if (first.length >= take) return first;
  // where the walk ended: nothing lies past it when it read fewer than WALK keys
  const [last] = await bounded(db, scope, cursor)
    .select(['ws.collection', 'ws.key'])
    .orderBy('ws.collection', order)
    .orderBy('ws.key', order)
    .offset(WALK - 1)
    .limit(1)
    .execute();
  if (!last) return first;

  // 2. beyond the walk
  const left = take - first.length;
  if (trigramsNarrow(scope.search)) {
    // the trigram index finds the matches, which are then sorted: in a materialized CTE, apart
    // from the page's order and limit, the planner cannot choose to walk the key order instead
    const more = await db
      .with(
        (cte) => cte('found').materialized(),
        // no bound on the keys here: the planner cannot tell how many keys a (collection, key)
        // range holds, and would walk the range for a few
        () =>
          typed(bounded(db, scope, undefined), scope)
            .select(['ws.collection', 'ws.key'])
            .where(matches(sql.ref('ws.key'))),
      )
      .selectFrom((from) =>
        from
          .selectFrom('found')
          .select(['found.collection', 'found.key'])
          .where((eb) =>
            eb(
              eb.refTuple('found.collection', 'found.key'),
              op,
              eb.tuple(last.collection, last.key),
            ),
          )
          .orderBy('found.collection', order)
          .orderBy('found.key', order)
          .limit(left)
          .as('page'),
      )
      .innerJoin('world_state as ws', (join) =>
        join
          .on('ws.channel', '=', scope.channel)
          .on('ws.namespace', '=', scope.namespace)
          .onRef('ws.collection', '=', 'page.collection')
          .onRef('ws.key', '=', 'page.key'),
      )
      .select(STATE_COLUMNS)
      .select(valueColumns('ws', valueBytes))
      .orderBy('page.collection', order)
      .orderBy('page.key', order)
      .execute();
    return [...first, ...more];
  }
  // a text of few trigrams names most keys: walk on in key order (the comparison is kept from
  // the trigram index, which would hand back most of the namespace to be checked and sorted)
  const more = await typed(bounded(db, scope, { op, key: [last.collection, last.key] }), scope)
    .select(STATE_COLUMNS)
    .select(valueColumns('ws', valueBytes))
    .where(matches(sql`(${sql.ref('ws.key')} || '')`))
    .orderBy('ws.collection', order)
    .orderBy('ws.key', order)
    .limit(left)
    .execute();
  return [...first, ...more];
}

/** Of one object type, if the scope names one. */
function typed(query: ReturnType<typeof bounded>, scope: SearchScope) {
  return scope.objectType === undefined
    ? query
    : query.where('ws.object_type', '=', scope.objectType);
}

function bounded(db: MirrorDb, scope: SearchScope, bound: Bound) {
  const query = db
    .selectFrom('world_state as ws')
    .where('ws.channel', '=', scope.channel)
    .where('ws.namespace', '=', scope.namespace);
  if (!bound) return query;
  return query.where((eb) =>
    eb(eb.refTuple('ws.collection', 'ws.key'), bound.op, eb.tuple(bound.key[0], bound.key[1])),
  );
}
