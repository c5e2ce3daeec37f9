// SPDX-License-Identifier: Apache-2.0
// The read layer against a real mirror: the real writer applies constructed blocks to an
// embedded Postgres, and every entity module reads them back.
import assert from 'node:assert/strict';

import { decodeBlock } from '../../src/decode/block';
import type { MirrorDb } from '../../src/read';
import {
  activityBy,
  activitySeries,
  assetHistory,
  assetsByKey,
  balancesByKey,
  blocksBetween,
  blockTransactions,
  checkpoints,
  currentValue,
  getAsset,
  getBlock,
  keyHistory,
  lastBlock,
  listBlocks,
  listTransactions,
  mirrorDb,
  namespaces,
  objectTypes,
  pingMirror,
  recentTransactions,
  searchAssets,
  searchBalances,
  searchMirror,
  statePage,
  storedCompositeKey,
  syncStatus,
  transactionCounts,
  transactionEvents,
  transactionsById,
  transactionWrites,
} from '../../src/read';
import { applyBlock } from '../../src/store/writer';
import { workloadChain } from '../../src/testing/blocks';
import type { TestPostgres } from '../support/postgres';
import { startPostgres } from '../support/postgres';

const CHANNEL = 'reads';
const scope = { channel: CHANNEL, chaincode: 'consortia' };

describe('mirror read layer (real embedded Postgres, constructed blocks)', function () {
  this.timeout(120_000);
  let postgres: TestPostgres;
  let db: MirrorDb;

  before(async function () {
    postgres = await startPostgres('read', 32170);
    for (const block of workloadChain(CHANNEL, 11)) {
      assert.equal((await applyBlock(postgres.pool, decodeBlock(block))).status, 'applied');
    }
    db = mirrorDb(postgres.pool);
  });

  after(async function () {
    await postgres?.stop();
  });

  it('sync status, checkpoints and the last block', async function () {
    await pingMirror(db);
    const [status] = await syncStatus(db);
    assert.equal(status?.channel, CHANNEL);
    assert.equal(Number(status?.last_block), 10);
    assert.equal((await checkpoints(db)).get(CHANNEL), 10);
    assert.equal((await lastBlock(db, CHANNEL))?.number, 10);
    assert.equal(await lastBlock(db, 'nope'), undefined);
  });

  it('blocks newest first, both ways, with valid counts', async function () {
    const first = await listBlocks(db, CHANNEL, { kind: 'first' }, 3);
    assert.deepEqual(
      first.map((row) => Number(row.number)),
      [10, 9, 8, 7],
    );
    assert.equal(Number(first[0]?.valid_count), 2);
    const older = await listBlocks(db, CHANNEL, { kind: 'after', key: [8] }, 3);
    assert.deepEqual(
      older.map((row) => Number(row.number)),
      [7, 6, 5, 4],
    );
    const newer = await listBlocks(db, CHANNEL, { kind: 'before', key: [8] }, 3);
    assert.deepEqual(
      newer.map((row) => Number(row.number)),
      [9, 10],
    );
    const block = await getBlock(db, CHANNEL, 4);
    assert.equal(block?.tx_count, 3);
    assert.equal(Number(block?.last_block), 10);
    assert.equal(await getBlock(db, CHANNEL, 99), undefined);
    const between = await blocksBetween(db, CHANNEL, 9, 10);
    assert.deepEqual(
      between.map((row) => [Number(row.number), Number(row.valid_count)]),
      [
        [9, 2],
        [10, 2],
      ],
    );
  });

  it('transactions: by block, by channel with filters, by id, writes and events', async function () {
    const inBlock = await blockTransactions(db, CHANNEL, 3, { kind: 'after', key: [0] }, 5);
    assert.deepEqual(
      inBlock.map((row) => row.tx_index),
      [1, 2],
    );
    const invalid = await listTransactions(db, CHANNEL, { valid: false }, { kind: 'first' }, 2);
    assert.deepEqual(
      invalid.map((row) => [Number(row.block_number), row.tx_index]),
      [
        [10, 2],
        [9, 2],
        [8, 2],
      ],
    );
    const newer = await listTransactions(db, CHANNEL, {}, { kind: 'before', key: [9, 2] }, 5);
    assert.deepEqual(
      newer.map((row) => [Number(row.block_number), row.tx_index]),
      [
        [10, 0],
        [10, 1],
        [10, 2],
      ],
    );
    const txId = newer[0]!.tx_id;
    const [found] = await transactionsById(db, CHANNEL, txId);
    assert.equal(found?.block_hash.length, 64);
    const at = { channel: CHANNEL, blockNumber: 10, txIndex: 0 };
    const writes = await transactionWrites(db, at, { kind: 'first' }, 100, 1024);
    assert.equal(writes.length, 4); // asset, owner index, credit, and the deleted A8-0
    assert.equal(writes[3]?.is_delete, true);
    assert.equal((await transactionEvents(db, at)).length, 1);
    const recent = await recentTransactions(db, CHANNEL, { fromBlock: 9 }, ['10', '1'], 2);
    assert.deepEqual(
      recent.map((row) => [Number(row.block_number), row.tx_index, row.valid]),
      [
        [10, 0, true],
        [9, 2, false],
        [9, 1, true],
      ],
    );
  });

  it('world state: namespaces, object types, key search, paging, one key', async function () {
    assert.deepEqual(await namespaces(db, CHANNEL), ['consortia']);
    assert.deepEqual(await objectTypes(db, CHANNEL, 'consortia'), [
      'asset',
      'credit',
      'owner~asset',
    ]);
    const at = { channel: CHANNEL, namespace: 'consortia' };
    const assets = await statePage(db, at, { objectType: 'asset' }, { kind: 'first' }, 3, 1024);
    assert.equal(assets.rows.length, 4);
    assert.equal(assets.otherSide, false);
    const key = assets.rows[2]!;
    const after = await statePage(
      db,
      at,
      { objectType: 'asset' },
      { kind: 'after', key: [key.collection, key.key] },
      3,
      1024,
    );
    assert.equal(after.otherSide, true);
    const searched = await statePage(db, at, { search: 'a10-1' }, { kind: 'first' }, 10, 1024);
    assert.deepEqual(
      searched.rows.map((row) => row.key),
      [
        storedCompositeKey('asset', ['A10-1']),
        storedCompositeKey('owner~asset', ['Org1MSP', 'alice', 'A10-1']),
      ],
    );
    const address = { ...at, collection: '', key: storedCompositeKey('asset', ['A3-0']) };
    assert.deepEqual(await currentValue(db, address, 1024), []);
    const history = await keyHistory(db, address, { kind: 'first' }, 10, 1024);
    assert.deepEqual(
      history.map((row) => row.is_delete),
      [true, false],
    );
    const cut = await currentValue(
      db,
      { ...address, key: storedCompositeKey('asset', ['A4-0']) },
      8,
    );
    assert.equal(cut[0]?.value?.length, 8);
    assert.ok(cut[0].value_size! > 8);
    assert.equal(cut[0]?.value_json, null);
  });

  it('assets and token balances, by key and sorted', async function () {
    const byKey = await assetsByKey(db, CHANNEL, { status: 'ACTIVE' }, { kind: 'first' }, 2);
    assert.deepEqual(
      byKey.map((row) => row.asset_id),
      ['A1-0', 'A1-1', 'A10-0'],
    );
    const sorted = await searchAssets(
      db,
      scope,
      { ownerId: 'alice', attributes: { color: 'blue' } },
      { sort: 'blockNumber', descending: true, after: ['9', 'A9-1'] },
      2,
    );
    assert.deepEqual(
      sorted.map((row) => row.asset_id),
      ['A8-1', 'A7-1', 'A6-1'],
    );
    assert.equal((await getAsset(db, scope, 'A2-1'))?.owner_id, 'alice');
    const history = await assetHistory(db, scope, 'A3-0', undefined, 10);
    assert.deepEqual(
      history.map((row) => row.is_delete),
      [true, false],
    );
    const balances = await balancesByKey(db, CHANNEL, { kind: 'first' }, 10);
    assert.equal(balances.length, 4);
    // both ways from a cursor: the rows beyond it in key order, `before` nearest first
    const assets = await assetsByKey(db, CHANNEL, {}, { kind: 'first' }, 100);
    const assetKey = (index: number): [string, string] => [
      assets[index]!.chaincode,
      assets[index]!.asset_id,
    ];
    assert.deepEqual(
      await assetsByKey(db, CHANNEL, {}, { kind: 'after', key: assetKey(1) }, 2),
      assets.slice(2, 5),
    );
    assert.deepEqual(
      await assetsByKey(db, CHANNEL, {}, { kind: 'before', key: assetKey(4) }, 2),
      assets.slice(1, 4).reverse(),
    );
    const balanceKey = (index: number): [string, string] => [
      balances[index]!.chaincode,
      balances[index]!.account,
    ];
    assert.deepEqual(
      await balancesByKey(db, CHANNEL, { kind: 'after', key: balanceKey(0) }, 1),
      balances.slice(1, 3),
    );
    assert.deepEqual(
      await balancesByKey(db, CHANNEL, { kind: 'before', key: balanceKey(3) }, 5),
      balances.slice(0, 3).reverse(),
    );
    const richest = await searchBalances(
      db,
      scope,
      { minBaseUnits: '1' },
      { sort: 'balance', descending: true },
      1,
    );
    assert.equal(richest.length, 2);
    assert.ok(BigInt(richest[0]!.balance_text) >= BigInt(richest[1]!.balance_text));
  });

  it('search and activity', async function () {
    const hits = await searchMirror(db, '7');
    assert.deepEqual(
      hits.blocks.map((row) => Number(row.number)),
      [7],
    );
    const byPart = await searchMirror(db, 'A5-1', CHANNEL);
    assert.deepEqual(byPart.keys.map((row) => row.object_type).sort(), ['asset', 'owner~asset']);
    const counts = await transactionCounts(db, CHANNEL, -1, 10);
    assert.equal(
      counts.reduce((sum, row) => sum + Number(row.total), 0),
      31,
    );
    const window = { channel: CHANNEL, from: new Date(0), to: new Date(8.64e15) };
    const orgs = await activityBy(db, window, 'creator_msp', '(unknown)');
    assert.equal(
      orgs.reduce((sum, row) => sum + Number(row.valid) + Number(row.invalid), 0),
      31,
    );
  });

  it('the activity rollup counts what the transactions count', async function () {
    const start = Date.UTC(2026, 0, 1);
    // edges on the rollup's buckets read activity_rollup; 1 ms off, the transactions themselves
    const rolled = { channel: CHANNEL, from: new Date(start), to: new Date(start + 3_600_000) };
    const counted = { ...rolled, from: new Date(start - 1), to: new Date(start + 3_600_001) };
    const totals = (rows: { valid: string; invalid: string }[]) =>
      rows.map((row) => [Number(row.valid), Number(row.invalid)]);
    for (const by of ['chaincode', 'creator_msp'] as const) {
      const fromRollup = await activityBy(db, rolled, by, '(none)');
      assert.ok(fromRollup.length > 0);
      assert.deepEqual(
        fromRollup.map((row) => [row.name, ...totals([row])[0]!]),
        (await activityBy(db, counted, by, '(none)')).map((row) => [
          row.name,
          ...totals([row])[0]!,
        ]),
      );
    }
    for (const bucket of [60, 1800]) {
      const series = await activitySeries(db, rolled, bucket);
      assert.deepEqual(totals(series), totals(await activitySeries(db, counted, bucket)));
      assert.equal(series[0]?.bucket.getTime(), start);
    }
  });

  it('asset searches by attribute text and id prefix match exactly', async function () {
    const ids = async (search: Parameters<typeof searchAssets>[2]) =>
      (await searchAssets(db, scope, search, { sort: 'id', descending: false }, 100)).map(
        (row) => row.asset_id,
      );
    const all = await searchAssets(db, scope, {}, { sort: 'id', descending: false }, 100);
    const blue = all.filter((row) => (row.attributes as { color?: string }).color === 'blue');
    assert.ok(blue.length > 0 && blue.length < all.length);
    assert.deepEqual(
      await ids({ attributes: { color: 'blue' } }),
      blue.map((row) => row.asset_id),
    );
    assert.deepEqual(await ids({ attributes: { color: 'BLUE' } }), []);
    // a number matches its text, as the JSON text comparison does
    const numbered = all[1];
    const serial = String((numbered?.attributes as { serial: number }).serial);
    assert.deepEqual(await ids({ attributes: { serial } }), [numbered?.asset_id]);
    assert.deepEqual(await ids({ attributes: { serial: `${serial}.0` } }), []);
    const prefixed = all.filter((row) => row.asset_id.startsWith('A1')).map((row) => row.asset_id);
    assert.ok(prefixed.length > 0);
    assert.deepEqual(await ids({ idPrefix: 'A1' }), prefixed);
    assert.deepEqual(
      await ids({ idPrefix: '' }),
      all.map((row) => row.asset_id),
    );
    assert.deepEqual(await ids({ idPrefix: 'A1-0\u{10ffff}' }), []);
  });
});
