// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { decodeBlock } from '../../src/decode/block';
import { checkMirror } from '../../src/store/consistency';
import { MIGRATIONS_DIR, migrate } from '../../src/store/migrate';
import { ChainLinkError, applyBlock, nextBlockNumber } from '../../src/store/writer';
import { ChannelSync } from '../../src/sync/channel-sync';
import { verifyMirror } from '../../src/verify/verify';
import { compositeKey, workloadChain } from '../../src/testing/blocks';
import type { TestPostgres } from '../support/postgres';
import { checkpoint, quietLogger, startPostgres, waitUntil } from '../support/postgres';
import { ReplayBlockSource } from '../../src/testing/replay-source';

const count = async (postgres: TestPostgres, sql: string, params: unknown[] = []) =>
  Number((await postgres.pool.query<{ n: string }>(sql, params)).rows[0]!.n);

describe('mirror store (real embedded Postgres, constructed blocks)', function () {
  let postgres: TestPostgres;

  before(async function () {
    this.timeout(120_000);
    postgres = await startPostgres('store', 32110);
  });

  after(async function () {
    await postgres?.stop();
  });

  it('migrations are versioned and a second run applies nothing', async function () {
    assert.deepEqual(await migrate(postgres.database.connectionString), []);
    const { rows } = await postgres.pool.query<{ name: string }>(
      'SELECT name FROM datasync_migrations ORDER BY id',
    );
    // every migration file, once each, in name order
    const files = fs
      .readdirSync(MIGRATIONS_DIR)
      .filter((name) => name.endsWith('.sql'))
      .map((name) => name.slice(0, -'.sql'.length))
      .sort();
    assert.ok(files.includes('1700000000001_ledger-tables'));
    assert.deepEqual(
      rows.map((row) => row.name),
      files,
    );
  });

  it('applying blocks fills every table and the read views', async function () {
    const chain = workloadChain('alpha', 11).map((block) => decodeBlock(block));
    for (const block of chain)
      assert.equal((await applyBlock(postgres.pool, block)).status, 'applied');
    const where = ['alpha'];
    assert.equal(
      await count(postgres, 'SELECT count(*) n FROM blocks WHERE channel = $1', where),
      11,
    );
    assert.equal(
      await count(
        postgres,
        'SELECT count(*) n FROM blocks WHERE channel = $1 AND is_config',
        where,
      ),
      1,
    );
    assert.equal(
      await count(postgres, 'SELECT count(*) n FROM transactions WHERE channel = $1', where),
      1 + 10 * 3,
    );
    assert.equal(
      await count(postgres, 'SELECT count(*) n FROM writes WHERE channel = $1', where),
      10 * 7 + 2,
    );
    assert.equal(
      await count(postgres, 'SELECT count(*) n FROM chaincode_events WHERE channel = $1', where),
      20,
    );
    assert.equal(
      await count(postgres, 'SELECT count(*) n FROM outbox WHERE channel = $1', where),
      20,
    );
    assert.equal(await checkpoint(postgres.pool, 'alpha'), 10);

    const tx = await postgres.pool.query<{
      function: string;
      creator_msp: string;
      creator_subject: string;
      correlation_id: string;
      validation_name: string;
      timestamp: Date;
    }>(
      `SELECT tx_id, type, creator_msp, creator_subject, chaincode, function, validation_name, correlation_id, timestamp
       FROM transactions WHERE channel = 'alpha' AND block_number = 3 ORDER BY tx_index`,
    );
    assert.equal(tx.rows[0]!.function, 'AssetContract:CreateAsset');
    assert.equal(tx.rows[0]!.creator_msp, 'Org1MSP');
    assert.match(tx.rows[0]!.creator_subject, /CN=User1/);
    assert.equal(tx.rows[0]!.correlation_id, 'corr-3-0');
    assert.equal(tx.rows[2]!.validation_name, 'MVCC_READ_CONFLICT');
    assert.deepEqual(tx.rows[0]!.timestamp, new Date(Date.UTC(2026, 0, 1) + 3000));

    // the invalid transactions' writes never reach the world state
    const balances = await postgres.pool.query(
      `SELECT * FROM world_state WHERE channel = 'alpha' AND object_type = 'balance'`,
    );
    assert.equal(balances.rowCount, 0);
    // assets created two blocks before blocks 5 and 10 were deleted
    const assets = await postgres.pool.query<{
      asset_id: string;
      owner_msp: string;
      attributes: { color: string };
    }>(
      `SELECT asset_id, owner_msp, attributes FROM v_assets WHERE channel = 'alpha' ORDER BY asset_id`,
    );
    assert.equal(assets.rowCount, 20 - 2);
    assert.ok(!assets.rows.some((row) => row.asset_id === 'A3-0' || row.asset_id === 'A8-0'));
    assert.equal(assets.rows[0]!.owner_msp, 'Org1MSP');
    const red = await count(
      postgres,
      `SELECT count(*) n FROM world_state WHERE value_json @> '{"attributes":{"color":"red"}}'`,
    );
    assert.equal(red, 10 - 2);
    const escaped = await postgres.pool.query<{ key: string }>(
      `SELECT key FROM world_state WHERE object_type = 'asset' LIMIT 1`,
    );
    assert.match(escaped.rows[0]!.key, /^\\0asset\\0A\d+-\d\\0$/);

    const tokens = await postgres.pool.query<{
      account: string;
      balance: string;
      pending_credit_count: number;
    }>(
      `SELECT account, balance, pending_credit_count FROM v_token_balances WHERE channel = 'alpha' ORDER BY account`,
    );
    // credits of 10 (index 0) and 11 (index 1) per block, to acct (n) % 4 and (n + 1) % 4
    const expected = new Map<string, bigint>();
    for (let number = 1; number <= 10; number++) {
      for (const index of [0, 1]) {
        const account = `acct${(number + index) % 4}`;
        expected.set(account, (expected.get(account) ?? 0n) + BigInt(10 + index));
      }
    }
    assert.deepEqual(
      tokens.rows.map((row) => [row.account, BigInt(row.balance)]),
      [...expected].sort(([a], [b]) => a.localeCompare(b)),
    );

    const recent = await postgres.pool.query<{
      block_number: string;
      tx_index: number;
      valid: boolean;
      event_names: string[];
    }>(
      `SELECT block_number, tx_index, valid, event_names FROM v_recent_transactions WHERE channel = 'alpha' LIMIT 3`,
    );
    assert.deepEqual(
      recent.rows.map((row) => [Number(row.block_number), row.tx_index, row.valid]),
      [
        [10, 2, false],
        [10, 1, true],
        [10, 0, true],
      ],
    );
    assert.deepEqual(recent.rows[1]!.event_names, ['AssetCreated']);
    const status = await postgres.pool.query<{ last_block: string; outbox_pending: string }>(
      `SELECT last_block, outbox_pending FROM v_sync_status WHERE channel = 'alpha'`,
    );
    assert.deepEqual(
      [Number(status.rows[0]!.last_block), Number(status.rows[0]!.outbox_pending)],
      [10, 20],
    );

    assert.deepEqual(await checkMirror(postgres.pool, 'alpha'), []);
  });

  it('replaying a block is a no-op', async function () {
    const chain = workloadChain('alpha', 11).map((block) => decodeBlock(block));
    const before = await count(postgres, 'SELECT count(*) n FROM writes');
    for (const number of [0, 4, 10])
      assert.equal((await applyBlock(postgres.pool, chain[number]!)).status, 'duplicate');
    assert.equal(await count(postgres, 'SELECT count(*) n FROM writes'), before);
    assert.equal(await count(postgres, 'SELECT count(*) n FROM outbox'), 20);
  });

  it('refuses a block past the next one as a gap and one that does not chain on as a fork', async function () {
    const chain = workloadChain('beta', 4).map((block) => decodeBlock(block));
    assert.equal((await applyBlock(postgres.pool, chain[0]!)).status, 'applied');
    assert.deepEqual(await applyBlock(postgres.pool, chain[2]!), { status: 'gap', expected: 1 });
    const foreign = decodeBlock(workloadChain('other', 2)[1]!);
    await assert.rejects(
      applyBlock(postgres.pool, { ...foreign, channel: 'beta' }),
      ChainLinkError,
    );
    assert.equal(await nextBlockNumber(postgres.pool, 'beta'), 1);
    assert.equal(await count(postgres, `SELECT count(*) n FROM blocks WHERE channel = 'beta'`), 1);
  });

  it('a gap from the source is detected and refilled by re-requesting from the checkpoint', async function () {
    const source = new ReplayBlockSource(workloadChain('gamma', 12), { dropOnce: [4, 9] });
    const sync = new ChannelSync({
      channel: 'gamma',
      source,
      pool: postgres.pool,
      logger: quietLogger(),
      retry: { minMs: 10, maxMs: 50 },
    });
    sync.start();
    try {
      await waitUntil(
        'gamma synced',
        async () => (await checkpoint(postgres.pool, 'gamma')) === 11,
      );
    } finally {
      await sync.stop();
    }
    // the writer sees the gap at 4; the block source may have been read ahead past 9 on that
    // first pass (then the pass from 4 delivers 9 too) or not (then 9 is a second gap)
    assert.deepEqual(source.requests.slice(0, 2), [0, 4]);
    assert.ok(
      [
        [0, 4],
        [0, 4, 9],
      ].some((expected) => expected.join() === source.requests.join()),
      `requests ${source.requests.join()}`,
    );
    assert.equal(
      await count(postgres, `SELECT count(*) n FROM blocks WHERE channel = 'gamma'`),
      12,
    );
    assert.deepEqual(await checkMirror(postgres.pool, 'gamma'), []);
  });

  it('keeps a checkpoint per channel and follows live blocks', async function () {
    const chain = workloadChain('delta', 8);
    const source = new ReplayBlockSource(chain.slice(0, 5));
    const sync = new ChannelSync({
      channel: 'delta',
      source,
      pool: postgres.pool,
      logger: quietLogger(),
    });
    sync.start();
    try {
      await waitUntil(
        'delta caught up',
        async () => (await checkpoint(postgres.pool, 'delta')) === 4,
      );
      for (const block of chain.slice(5)) source.append(block);
      await waitUntil('delta live', async () => (await checkpoint(postgres.pool, 'delta')) === 7);
    } finally {
      await sync.stop();
    }
    assert.equal(sync.syncedBlock, 7);
    assert.equal(await checkpoint(postgres.pool, 'alpha'), 10);
  });

  it('offline verify is clean for the mirror and names tampered rows', async function () {
    const clean = await verifyMirror({
      pool: postgres.pool,
      channels: ['alpha', 'gamma', 'delta'],
      sampleSize: 5,
    });
    assert.deepEqual(clean.differences, []);
    await postgres.pool.query(
      `UPDATE blocks SET hash = 'ff' WHERE channel = 'alpha' AND number = 3`,
    );
    await postgres.pool.query(
      `DELETE FROM writes WHERE channel = 'alpha' AND block_number = 2 AND tx_index = 0 AND write_index = 0`,
    );
    await postgres.pool.query(
      `UPDATE blocks SET tx_count = 9 WHERE channel = 'alpha' AND number = 6`,
    );
    const report = await verifyMirror({ pool: postgres.pool, channels: ['alpha'], sampleSize: 5 });
    assert.equal(report.clean, false);
    const problems = report.differences.map(
      (difference) => `${difference.block ?? difference.key}: ${difference.problem}`,
    );
    assert.ok(
      problems.some((problem) =>
        /^4: previous hash .* differs from the hash of block 3/.test(problem),
      ),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((problem) => /^6: tx count 9 but 3/.test(problem)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((problem) => problem.includes('world state key never written')),
      problems.join('\n'),
    );
    assert.ok(compositeKey('asset', 'x').length > 0);
  });
});
