// SPDX-License-Identifier: Apache-2.0
// Key search in the state browser on a namespace of 70,000 keys shaped like AssetContract's and
// TokenContract's (asset ids A00000000…, owner index keys, credit keys named by transaction id):
// a page costs a bounded walk of the key order or the trigram index's few matches, never a walk
// to keys deep in the order nor a recheck of most keys, and it holds the rows the one ordered
// query (`key ILIKE '%text%' ORDER BY collection, key LIMIT n`) returns.
import assert from 'node:assert/strict';

import { freePort } from '@consortia/common/testing';
import type { CompiledQuery, Kysely } from 'kysely';
import { sql } from 'kysely';

import type { MirrorSchema } from '../../src/read';
import { containsPattern, escapeKey, statePage, storedCompositeKey } from '../../src/read';
import { trigramsNarrow, WALK } from '../../src/read/state-search';
import type { PlanNode } from '../support/plans';
import { explain, recordingDb } from '../support/plans';
import type { TestPostgres } from '../support/postgres';
import { startPostgres } from '../support/postgres';

const CHANNEL = 'keys';
const at = { channel: CHANNEL, namespace: 'consortia' };
const ASSETS = 30_000;
const CREDITS = 10_000;

/** Rows a plan's scans read: those they returned and those they dropped. */
function rowsRead(plan: PlanNode[]): number {
  return plan
    .filter((node) =>
      /^(Seq|Index|Index Only|Bitmap Heap|Bitmap Index) Scan$/.test(node['Node Type']),
    )
    .reduce(
      (sum, node) =>
        sum +
        (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 0) +
        (node['Rows Removed by Filter'] ?? 0) +
        (node['Rows Removed by Index Recheck'] ?? 0),
      0,
    );
}

describe('key search plans (real embedded Postgres, 70,000 keys)', function () {
  this.timeout(180_000);
  let postgres: TestPostgres;
  let queries: CompiledQuery[];
  let db: Kysely<MirrorSchema>;

  before(async function () {
    postgres = await startPostgres('key-search-plans', await freePort());
    await postgres.pool.query(
      `INSERT INTO world_state (channel, namespace, key, object_type, value, block_number,
                                tx_index, tx_id)
       SELECT $1, 'consortia', kind.key, kind.object_type, '\\x7b7d', n / 50, n % 50, 'tx' || n
       FROM generate_series(0, $2 - 1) AS n,
            LATERAL (SELECT 'A' || lpad(n::text, 8, '0') AS id) AS asset,
            LATERAL (VALUES (replace($3, 'ID', asset.id), 'asset'),
                            (replace($4, 'ID', asset.id), 'owner~asset')) AS kind(key, object_type)`,
      [
        CHANNEL,
        ASSETS,
        storedCompositeKey('asset', ['ID']),
        storedCompositeKey('owner~asset', ['Org1MSP', 'user1', 'ID']),
      ],
    );
    await postgres.pool.query(
      `INSERT INTO world_state (channel, namespace, key, object_type, value, block_number,
                                tx_index, tx_id)
       SELECT $1, 'consortia',
              replace(replace($3, 'ACCOUNT', 'acct' || lpad((n % 997)::text, 6, '0')), 'TX',
                      encode(sha256(n::text::bytea), 'hex')),
              'credit', '\\x35', n / 50, n % 50, 'tx' || n
       FROM generate_series(0, $2 - 1) AS n`,
      [CHANNEL, CREDITS, storedCompositeKey('credit', ['ACCOUNT', 'TX'])],
    );
    await postgres.pool.query('VACUUM ANALYZE world_state');
    ({ db, queries } = recordingDb(postgres.pool));
  });

  after(async function () {
    await postgres?.stop(); // ends the pool the query builder reads through
  });

  /** The one ordered query's keys: what every search page must hold. */
  async function expected(search: string, objectType?: string, after?: string, limit = 21) {
    let query = db
      .selectFrom('world_state as ws')
      .select('ws.key')
      .where('ws.channel', '=', CHANNEL)
      .where('ws.namespace', '=', at.namespace)
      .where(sql<boolean>`ws.key ILIKE ${containsPattern(escapeKey(search))} ESCAPE '!'`);
    if (objectType !== undefined) query = query.where('ws.object_type', '=', objectType);
    if (after !== undefined) query = query.where('ws.key', '>', after);
    const rows = await query.orderBy('ws.collection').orderBy('ws.key').limit(limit).execute();
    return rows.map((row) => row.key);
  }

  /** A first search page's keys, and the rows the plans of its queries read. */
  async function searched(search: string) {
    queries.length = 0;
    const page = await statePage(db, at, { search }, { kind: 'first' }, 20, 64);
    let read = 0;
    for (const query of [...queries]) {
      read += rowsRead(await explain(postgres.pool, query, { analyze: true }));
    }
    return { keys: page.rows.map((row) => row.key), read };
  }

  it('a page of an asset id prefix reads a bounded number of keys, wherever they lie', async function () {
    // A000000: trigrams a00 and 000, which most keys have; the others lie thousands of keys deep
    for (const search of ['A000000', 'A000001', 'A000100', 'A000111', 'A000234', 'A000299']) {
      const { keys, read } = await searched(search);
      assert.deepEqual(keys, await expected(search), search);
      assert.equal(keys.length, 21, search);
      assert.ok(read <= 2 * WALK + 1_000, `${search}: ${read} rows read`);
    }
  });

  it('a text of unrepeated trigrams and no match asks the trigram index alone', async function () {
    const { keys, read } = await searched('zzz');
    assert.deepEqual(keys, []);
    assert.ok(read <= 2 * WALK + 100, `${read} rows read`);
  });

  it('pages hold the rows of the one ordered query, by type and on both sides of a cursor', async function () {
    const texts = ['A000000', 'A00012', 'a0002999', 'user1', 'Org1', 'acct000123', 'ab', '0000'];
    for (const search of [...texts, 'nothing', '!%_', 'A', '\\0A0000']) {
      for (const objectType of [undefined, 'owner~asset', 'credit']) {
        const all = await expected(search, objectType, undefined, 200);
        const first = await statePage(db, at, { search, objectType }, { kind: 'first' }, 20, 64);
        assert.deepEqual(
          first.rows.map((row) => row.key),
          all.slice(0, 21),
          `${search} ${objectType}`,
        );
        if (all.length < 30) continue;
        const cursor = ['', all[10]!] as [string, string];
        const after = await statePage(
          db,
          at,
          { search, objectType },
          { kind: 'after', key: cursor },
          20,
          64,
        );
        assert.deepEqual(
          after.rows.map((row) => row.key),
          await expected(search, objectType, all[10], 21),
        );
        assert.equal(after.otherSide, true);
        const before = await statePage(
          db,
          at,
          { search, objectType },
          { kind: 'before', key: cursor },
          20,
          64,
        );
        assert.deepEqual(
          before.rows.map((row) => row.key),
          all.slice(0, 10).reverse(),
        );
        assert.equal(before.otherSide, true);
      }
    }
  });

  it('the trigram index is asked for texts it narrows', function () {
    assert.equal(trigramsNarrow('A000000'), false);
    assert.equal(trigramsNarrow('0000'), false);
    assert.equal(trigramsNarrow('ab'), false);
    assert.equal(trigramsNarrow('zzz'), true);
    assert.equal(trigramsNarrow('Org2'), true);
    assert.equal(trigramsNarrow('A000123'), true);
  });
});
