// SPDX-License-Identifier: Apache-2.0
// The plans Postgres chooses on a mirror big enough for the choice to matter: an asset search by
// a common attribute value walks the id order and stops at the page, a rare one is found through
// the documents' GIN index, neither sorts every match.
import assert from 'node:assert/strict';

import { freePort } from '@consortia/common/testing';
import type { CompiledQuery } from 'kysely';
import { Kysely, PostgresDialect } from 'kysely';

import type { MirrorSchema } from '../../src/read';
import { searchAssets, storedCompositeKey } from '../../src/read';
import type { TestPostgres } from '../support/postgres';
import { startPostgres } from '../support/postgres';

const CHANNEL = 'plans';
const scope = { channel: CHANNEL, chaincode: 'consortia' };
const ASSETS = 20_000;

interface PlanNode {
  'Node Type': string;
  'Plan Rows': number;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

describe('read plans (real embedded Postgres, 20,000 assets)', function () {
  this.timeout(180_000);
  let postgres: TestPostgres;
  const queries: CompiledQuery[] = [];
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
    await postgres.pool.query('ANALYZE');
    db = new Kysely<MirrorSchema>({
      dialect: new PostgresDialect({ pool: postgres.pool }),
      log: (event) => {
        if (event.level === 'query') queries.push(event.query);
      },
    });
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
    const { rows: explained } = await postgres.pool.query<{
      'QUERY PLAN': [{ Plan: PlanNode }];
    }>(`EXPLAIN (FORMAT JSON) ${query.sql}`, [...query.parameters]);
    return { result, plan: nodes(explained[0]!['QUERY PLAN'][0].Plan) };
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
});
