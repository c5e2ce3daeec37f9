// SPDX-License-Identifier: Apache-2.0
// The plans Postgres chooses on a mirror big enough for the choice to matter: an asset search by
// a common attribute value walks the id order and stops at the page, a rare one is found through
// the documents' GIN index, neither sorts every match; a deep page of the newest-first
// transactions walks the primary key from its cursor and looks up only its rows' blocks and
// events.
import assert from 'node:assert/strict';

import { freePort } from '@consortia/common/testing';
import type { CompiledQuery, Kysely } from 'kysely';

import type { MirrorSchema } from '../../src/read';
import { recentTransactions, searchAssets, storedCompositeKey } from '../../src/read';
import { explain, recordingDb } from '../support/plans';
import type { TestPostgres } from '../support/postgres';
import { startPostgres } from '../support/postgres';

const CHANNEL = 'plans';
const scope = { channel: CHANNEL, chaincode: 'consortia' };
const ASSETS = 20_000;
const BLOCKS = 400;
const TX_PER_BLOCK = 50;

describe('read plans (real embedded Postgres, 20,000 assets and transactions)', function () {
  this.timeout(180_000);
  let postgres: TestPostgres;
  let queries: CompiledQuery[];
  let db: Kysely<MirrorSchema>;

  before(async function () {
    postgres = await startPostgres('read-plans', await freePort());
    // assets as AssetContract writes them, with as many index keys and token keys beside them
    await postgres.pool.query(
      `INSERT INTO world_state
         (channel, namespace, key, object_type, key_attributes, value, value_json, block_number,
          tx_index, tx_id)
       SELECT $1, 'consortia', kind.key, kind.object_type, kind.attributes,
              convert_to(coalesce(kind.document::text, ''), 'UTF8'), kind.document,
              n / 50, n % 50, 'tx' || n
       FROM generate_series(0, $2 - 1) AS n,
            LATERAL (SELECT 'A' || lpad(n::text, 8, '0') AS id) AS asset,
            LATERAL (VALUES
              (replace($3, 'ID', asset.id), 'asset', jsonb_build_array(asset.id),
               jsonb_build_object(
                 'docType', 'asset', 'id', asset.id, 'type', 'pallet', 'status', 'ACTIVE',
                 'owner', jsonb_build_object('mspId', 'Org1MSP', 'ownerId', 'user' || n % 500),
                 'attributes', jsonb_build_object(
                   'color', CASE WHEN n % 3 = 0 THEN 'red' ELSE 'blue' END, 'serial', n),
                 'createdAt', '2026-01-01T00:00:00.000Z', 'updatedAt', '2026-01-01T00:00:00.000Z')),
              (replace($4, 'ID', asset.id), 'owner~asset',
               jsonb_build_array('Org1MSP', asset.id), NULL::jsonb),
              (replace($5, 'ID', asset.id), 'credit', jsonb_build_array(asset.id),
               to_jsonb(n))
            ) AS kind(key, object_type, attributes, document)`,
      [
        CHANNEL,
        ASSETS,
        storedCompositeKey('asset', ['ID']),
        storedCompositeKey('owner~asset', ['Org1MSP', 'ID']),
        storedCompositeKey('credit', ['ID']),
      ],
    );
    await postgres.pool.query(
      `INSERT INTO blocks (channel, number, hash, previous_hash, data_hash, data_hash_valid,
                           tx_count, is_config, timestamp)
       SELECT $1, n, md5(n::text), md5((n - 1)::text), md5(n::text), true, $3, false,
              timestamptz '2026-01-01' + n * interval '1 second'
       FROM generate_series(0, $2 - 1) AS n`,
      [CHANNEL, BLOCKS, TX_PER_BLOCK],
    );
    await postgres.pool.query(
      `INSERT INTO transactions (channel, block_number, tx_index, tx_id, type, creator_msp,
                                 chaincode, function, validation_code, validation_name,
                                 timestamp, correlation_id)
       SELECT $1, b, i, 'tx-' || b || '-' || i, 'ENDORSER_TRANSACTION',
              CASE WHEN i % 2 = 0 THEN 'Org1MSP' ELSE 'Org2MSP' END, 'consortia',
              CASE WHEN i % 5 = 0 THEN 'DeleteAsset' ELSE 'CreateAsset' END,
              CASE WHEN i % 7 = 0 THEN 11 ELSE 0 END,
              CASE WHEN i % 7 = 0 THEN 'MVCC_READ_CONFLICT' ELSE 'VALID' END,
              timestamptz '2026-01-01' + b * interval '1 second',
              CASE WHEN i % 3 = 0 THEN 'corr-' || (b % 10) END
       FROM generate_series(0, $2 - 1) AS b, generate_series(0, $3 - 1) AS i`,
      [CHANNEL, BLOCKS, TX_PER_BLOCK],
    );
    await postgres.pool.query(
      `INSERT INTO chaincode_events (channel, block_number, tx_index, event_index, tx_id,
                                     chaincode, event_name, payload)
       SELECT channel, block_number, tx_index, e, tx_id, chaincode, 'Event' || e, '\\x7b7d'
       FROM transactions, generate_series(0, 1) AS e
       WHERE channel = $1 AND validation_code = 0 AND tx_index % 2 = 0`,
      [CHANNEL],
    );
    await postgres.pool.query('ANALYZE');
    ({ db, queries } = recordingDb(postgres.pool));
  });

  after(async function () {
    await postgres?.stop(); // ends the pool the query builder reads through
  });

  /** What `read` returns, and the plan of the one query it made. */
  async function planned<T>(read: () => Promise<T>) {
    queries.length = 0;
    const result = await read();
    const [query] = queries;
    assert.ok(query);
    return { result, plan: await explain(postgres.pool, query) };
  }

  /** The ids found, and the plan of the search that found them. */
  async function searched(attributes: Record<string, string>) {
    const { result, plan } = await planned(() =>
      searchAssets(db, scope, { attributes }, { sort: 'id', descending: false }, 20),
    );
    return { ids: result.map((row) => row.asset_id), plan };
  }

  it('a common value walks the id index in order and stops at the page', async function () {
    const { ids, plan } = await searched({ color: 'red' });
    const expected = Array.from({ length: 21 }, (_, i) => `A${String(i * 3).padStart(8, '0')}`);
    assert.deepEqual(ids, expected);
    assert.deepEqual(
      plan.filter((node) => node['Node Type'] === 'Sort'),
      [],
      'no sort of the matches',
    );
    assert.ok(plan.some((node) => node['Index Name'] === 'world_state_asset_id'));
  });

  it('a rare value is found through the GIN index alone', async function () {
    const { ids, plan } = await searched({ serial: '12345' });
    assert.deepEqual(ids, ['A00012345']);
    const indexes = plan.flatMap((node) => node['Index Name'] ?? []);
    assert.ok(indexes.length > 0 && indexes.every((name) => name === 'world_state_value_json'));
  });

  it('a deep page of transactions sorts no more than its own rows', async function () {
    // 1,000 transactions behind the cursor: there the view's own plan sorted them all
    const after = ['20', 28] as const;
    const { result, plan } = await planned(() => recentTransactions(db, CHANNEL, {}, after, 20));
    assert.deepEqual(
      result.map((row) => `${row.block_number}/${row.tx_index}`),
      Array.from({ length: 21 }, (_, i) => `20/${27 - i}`),
    );
    for (const node of plan.filter((node) => node['Node Type'] === 'Sort')) {
      assert.ok(node['Plan Rows'] <= 21, `a sort of ${node['Plan Rows']} rows`);
    }
  });

  it('transaction pages are the rows of v_recent_transactions, in its order', async function () {
    type Filter = Parameters<typeof recentTransactions>[2];
    const cases: [Filter, readonly (string | number)[] | undefined][] = [
      [{}, undefined],
      [{}, ['200', 10]],
      [{ valid: false }, ['300', 0]],
      [{ valid: true, creatorMsp: 'Org2MSP' }, undefined],
      [{ function: 'DeleteAsset', fromBlock: 100, toBlock: 120 }, ['110', 5]],
      [{ correlationId: 'corr-3', correlatedTxIds: ['tx-5-1', 'tx-2-2'] }, ['390', 0]],
      [{ txId: 'tx-7-14' }, undefined],
    ];
    for (const [filter, after] of cases) {
      let view = db.selectFrom('v_recent_transactions').selectAll().where('channel', '=', CHANNEL);
      if (filter.txId !== undefined) view = view.where('tx_id', '=', filter.txId);
      if (filter.function !== undefined) view = view.where('function', '=', filter.function);
      if (filter.creatorMsp !== undefined) view = view.where('creator_msp', '=', filter.creatorMsp);
      if (filter.valid !== undefined) view = view.where('valid', '=', filter.valid);
      if (filter.correlationId !== undefined) {
        const ids = filter.correlatedTxIds ?? [];
        view = view.where((eb) =>
          eb.or([eb('correlation_id', '=', filter.correlationId!), eb('tx_id', 'in', ids)]),
        );
      }
      if (filter.fromBlock !== undefined)
        view = view.where('block_number', '>=', String(filter.fromBlock));
      if (filter.toBlock !== undefined)
        view = view.where('block_number', '<=', String(filter.toBlock));
      if (after !== undefined) {
        const [block, index] = [String(after[0]), Number(after[1])];
        view = view.where((eb) =>
          eb(eb.refTuple('block_number', 'tx_index'), '<', eb.tuple(block, index)),
        );
      }
      const expected = await view
        .orderBy('block_number', 'desc')
        .orderBy('tx_index', 'desc')
        .limit(21)
        .execute();
      assert.ok(expected.length > 0, JSON.stringify(filter));
      assert.deepEqual(await recentTransactions(db, CHANNEL, filter, after, 20), expected);
    }
  });
});
