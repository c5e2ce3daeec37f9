// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { readConfig } from '../../src/config';
import type { RunningService } from '../../src/service';
import { startService } from '../../src/service';
import { workloadChain } from '../../src/testing/blocks';
import type { TestPostgres } from '../support/postgres';
import { checkpoint, quietLogger, startPostgres, waitUntil } from '../support/postgres';
import { ReplayBlockSource } from '../../src/testing/replay-source';

const PORT = 32150;

describe('datasync service over HTTP (real Postgres and HTTP; the peer is replaced by replayed constructed blocks)', function () {
  this.timeout(120_000);
  let postgres: TestPostgres;
  let service: RunningService | undefined;
  const source = new ReplayBlockSource({ consortium: workloadChain('consortium', 15), empty: [] });

  before(async function () {
    postgres = await startPostgres('service', 32140);
    const config = readConfig({
      PORT: String(PORT),
      DATABASE_URL: postgres.database.connectionString,
      FABRIC_CHANNELS: 'consortium,empty',
      DATASYNC_HEIGHT_POLL_MS: '100',
      DATASYNC_ANALYZE_MIN_TX: '40',
    });
    service = await startService(config, quietLogger(), source);
  });

  after(async function () {
    for (const step of service?.shutdownSteps ?? []) await step.run();
    await postgres?.stop();
  });

  it('mirrors every configured channel and reports health, readiness and sync metrics', async function () {
    await waitUntil(
      'the mirror',
      async () => (await checkpoint(postgres.pool, 'consortium')) === 14,
    );
    const health = await fetch(`http://127.0.0.1:${PORT}/healthz`);
    assert.equal(health.status, 200);
    const ready = await fetch(`http://127.0.0.1:${PORT}/readyz`);
    assert.deepEqual(await ready.json(), {
      status: 'ready',
      checks: { postgres: 'ok', peer: 'ok' },
    });
    await waitUntil('height polled', async () => {
      const text = await (await fetch(`http://127.0.0.1:${PORT}/metrics`)).text();
      return /datasync_chain_height\{channel="consortium"\} 15/.test(text);
    });
    const metrics = await (await fetch(`http://127.0.0.1:${PORT}/metrics`)).text();
    assert.match(metrics, /datasync_synced_block\{channel="consortium"\} 14/);
    assert.match(metrics, /datasync_lag_blocks\{channel="consortium"\} 0/);
    assert.match(metrics, /datasync_lag_seconds\{channel="consortium"\} 0/);
    assert.match(metrics, /datasync_blocks_per_second\{channel="consortium"\} [1-9]/);
    assert.match(metrics, /datasync_transactions_applied_total\{channel="consortium"\} 43/);
  });

  it('analyzes the mirror once enough transactions came, not waiting for autovacuum', async function () {
    await waitUntil(
      'the mirror',
      async () => (await checkpoint(postgres.pool, 'consortium')) === 14,
    );
    // 43 transactions passed DATASYNC_ANALYZE_MIN_TX: the read plans see the new rows
    await waitUntil('an ANALYZE of the mirror', async () => {
      const { rows } = await postgres.pool.query<{ analyzed: boolean }>(
        `SELECT last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables
          WHERE relname = 'world_state'`,
      );
      return rows[0]?.analyzed === true;
    });
    const { rows } = await postgres.pool.query<{ reltuples: number }>(
      `SELECT reltuples::float8 AS reltuples FROM pg_class WHERE relname = 'transactions'`,
    );
    assert.ok((rows[0]?.reltuples ?? 0) > 0, 'the planner counts the mirrored transactions');
  });

  it('leaves a channel without blocks without a checkpoint, and is not ready without Postgres', async function () {
    const { rows } = await postgres.pool.query<{ n: string }>(
      `SELECT count(*) n FROM checkpoints WHERE channel = 'empty'`,
    );
    assert.equal(Number(rows[0]!.n), 0, 'an empty channel has no checkpoint yet');
    await postgres.database.stop();
    const ready = await fetch(`http://127.0.0.1:${PORT}/readyz`);
    assert.equal(ready.status, 503);
    const body = (await ready.json()) as { checks: Record<string, string> };
    assert.notEqual(body.checks.postgres, 'ok');
  });
});
