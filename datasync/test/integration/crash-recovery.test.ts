// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import path from 'node:path';

import { openDatabase } from '@consortia/common';

import { decodeBlock } from '../../src/decode/block';
import { checkMirror } from '../../src/store/consistency';
import { ChannelSync } from '../../src/sync/channel-sync';
import { verifyMirror } from '../../src/verify/verify';
import { workloadChain } from '../../src/testing/blocks';
import type { TestPostgres } from '../support/postgres';
import { checkpoint, quietLogger, startPostgres, waitUntil } from '../support/postgres';
import { ReplayBlockSource } from '../../src/testing/replay-source';

const CHILD = path.join(__dirname, '..', 'support', 'sync-child.ts');

function startChild(databaseUrl: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--require', 'tsx/cjs', CHILD], {
    env: { ...process.env, DATABASE_URL: databaseUrl, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

async function assertExactlyOnce(
  postgres: TestPostgres,
  channel: string,
  blocks: number,
  txPerBlock: number,
) {
  const { rows } = await postgres.pool.query<{
    blocks: string;
    distinct_blocks: string;
    txs: string;
    events: string;
    outbox: string;
  }>(
    `SELECT (SELECT count(*) FROM blocks WHERE channel = $1) AS blocks,
            (SELECT count(DISTINCT number) FROM blocks WHERE channel = $1) AS distinct_blocks,
            (SELECT count(*) FROM transactions WHERE channel = $1) AS txs,
            (SELECT count(*) FROM chaincode_events WHERE channel = $1) AS events,
            (SELECT count(*) FROM outbox WHERE channel = $1) AS outbox`,
    [channel],
  );
  const row = rows[0]!;
  assert.equal(Number(row.blocks), blocks);
  assert.equal(Number(row.distinct_blocks), blocks);
  assert.equal(Number(row.txs), 1 + (blocks - 1) * txPerBlock);
  assert.equal(Number(row.events), (blocks - 1) * (txPerBlock - 1));
  assert.equal(Number(row.outbox), Number(row.events));
  assert.deepEqual(await checkMirror(postgres.pool, channel), []);
  const report = await verifyMirror({ pool: postgres.pool, channels: [channel], sampleSize: 10 });
  assert.equal(report.clean, true, JSON.stringify(report.differences));
}

describe('crash and outage recovery (real embedded Postgres; the peer is replaced by replayed constructed blocks)', function () {
  this.timeout(300_000);
  let postgres: TestPostgres;

  before(async function () {
    this.timeout(120_000);
    postgres = await startPostgres('crash', 32120);
  });

  after(async function () {
    await postgres?.stop();
  });

  it('SIGKILL mid-stream, restart: every block exactly once with a consistent hash chain', async function () {
    const env = { CHILD_CHANNEL: 'crash', CHILD_BLOCKS: '80', CHILD_DELAY_MS: '15' };
    const first = startChild(postgres.database.connectionString, env);
    try {
      await waitUntil(
        'the child to pass block 25',
        async () => (await checkpoint(postgres.pool, 'crash')) >= 25,
      );
    } finally {
      first.kill('SIGKILL');
    }
    assert.equal((await exited(first)).signal, 'SIGKILL');
    const reached = await checkpoint(postgres.pool, 'crash');
    assert.ok(reached >= 25 && reached < 79, `killed mid-way (checkpoint ${reached})`);
    await assertExactlyOnce(postgres, 'crash', reached + 1, 4);

    const second = startChild(postgres.database.connectionString, { ...env, CHILD_DELAY_MS: '0' });
    assert.deepEqual(await exited(second), { code: 0, signal: null });
    await assertExactlyOnce(postgres, 'crash', 80, 4);
  });

  it('Postgres stops during sync and starts again: the mirror catches up with nothing lost', async function () {
    const channel = 'outage';
    const chain = workloadChain(channel, 60);
    const source = new ReplayBlockSource(chain, { delayMs: 10 });
    const sync = new ChannelSync({
      channel,
      source,
      pool: postgres.pool,
      logger: quietLogger(),
      retry: { minMs: 50, maxMs: 500 },
    });
    sync.start();
    try {
      await waitUntil(
        'some blocks mirrored',
        async () => (await checkpoint(postgres.pool, channel)) >= 10,
      );
      await postgres.database.stop();
      await waitUntil('the sync to notice', async () => sync.lastError !== undefined, 30_000);
      const stalledAt = sync.syncedBlock;
      assert.ok(stalledAt < 59, 'stopped before the end');
      postgres.database = await openDatabase({
        dataDir: postgres.dataDir,
        port: postgres.port,
        database: 'datasync',
      });
      await waitUntil(
        'the mirror to catch up',
        async () => (await checkpoint(postgres.pool, channel)) === 59,
        60_000,
      );
    } finally {
      await sync.stop();
    }
    assert.equal(sync.lastError, undefined);
    assert.equal(decodeBlock(chain[59]!).number, 59);
    await assertExactlyOnce(postgres, channel, 60, 3);
  });
});
