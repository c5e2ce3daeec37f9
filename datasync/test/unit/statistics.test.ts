// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { testLogger } from '@consortia/common/testing';
import type pg from 'pg';

import type { StatisticsOptions } from '../../src/store/statistics';
import { PlannerStatistics } from '../../src/store/statistics';

/** A pool that answers the estimate query and holds each ANALYZE until released. */
function fakePool(estimate: number) {
  const analyses: (() => void)[] = [];
  const pool = {
    query: (text: string) => {
      if (text.startsWith('ANALYZE')) {
        return new Promise((resolve) => analyses.push(() => resolve({ rows: [] })));
      }
      return Promise.resolve({ rows: [{ estimate }] });
    },
  } as unknown as pg.Pool;
  return { pool, analyses };
}

/** PlannerStatistics on `pool`, started (its estimate read). */
async function started(pool: pg.Pool, options: StatisticsOptions) {
  const statistics = new PlannerStatistics(pool, testLogger('statistics'), options);
  await statistics.start();
  return statistics;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('planner statistics of a growing mirror', function () {
  it('analyzes once the transactions applied reach the minimum, then a share of the mirror', async function () {
    const { pool, analyses } = fakePool(0);
    const statistics = await started(pool, {
      minTransactions: 100,
      share: 0.5,
    });
    statistics.applied(60);
    assert.equal(analyses.length, 0);
    statistics.applied(40);
    assert.equal(analyses.length, 1, 'due at 100 transactions');
    analyses[0]?.();
    await settle();
    // 100 mirrored: the next is due at max(100, 50)
    statistics.applied(99);
    assert.equal(analyses.length, 1);
    statistics.applied(1);
    assert.equal(analyses.length, 2);
    analyses[1]?.();
    await settle();
    // 200 mirrored: due at max(100, 100); then 300 mirrored: due at 150
    statistics.applied(100);
    analyses[2]?.();
    await settle();
    statistics.applied(149);
    assert.equal(analyses.length, 3);
    statistics.applied(1);
    assert.equal(analyses.length, 4);
    analyses[3]?.();
    await statistics.stop();
  });

  it('runs one ANALYZE at a time and counts what came meanwhile toward the next', async function () {
    const { pool, analyses } = fakePool(0);
    const statistics = await started(pool, {
      minTransactions: 10,
      share: 0,
    });
    statistics.applied(10);
    statistics.applied(10);
    statistics.applied(10);
    assert.equal(analyses.length, 1, 'the first still runs');
    analyses[0]?.();
    await settle();
    statistics.applied(0);
    assert.equal(analyses.length, 2, 'the 20 applied meanwhile are due');
    let stopped = false;
    const stopping = statistics.stop().then(() => (stopped = true));
    await settle();
    assert.equal(stopped, false, 'stop waits for the ANALYZE under way');
    analyses[1]?.();
    await stopping;
  });

  it("starts from the planner's estimate of a mirror that already holds transactions", async function () {
    const { pool, analyses } = fakePool(1_000_000);
    const statistics = await started(pool, {
      minTransactions: 5_000,
      share: 0.2,
    });
    statistics.applied(199_999);
    assert.equal(analyses.length, 0, 'a fifth of a million is not reached yet');
    statistics.applied(1);
    assert.equal(analyses.length, 1);
    analyses[0]?.();
    await statistics.stop();
  });

  it('lives on when ANALYZE fails', async function () {
    const pool = { query: () => Promise.reject(new Error('permission denied')) };
    const statistics = await started(pool as unknown as pg.Pool, {
      minTransactions: 1,
      share: 0,
    });
    statistics.applied(5);
    await statistics.stop();
    statistics.applied(5);
    await statistics.stop();
  });
});
