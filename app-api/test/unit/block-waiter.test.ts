// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { BlockWaiter } from '../../src/mirror/block-waiter';
import type { Freshness } from '../../src/mirror/reader';

const at = (syncedBlock: number): Freshness => ({
  channel: 'consortium',
  syncedBlock,
  lastBlockHash: null,
  lastBlockTimestamp: null,
  syncedAt: null,
});

describe('waiting for the mirror to reach a block', function () {
  it('wakes many waiters with one query per interval', async function () {
    let block = 5;
    let queries = 0;
    const waiter = new BlockWaiter(
      async () => {
        queries++;
        return at(block);
      },
      { pollMs: 20, maxWaiters: 1_000 },
    );
    const waits = Array.from({ length: 200 }, () => waiter.wait(6, 5_000));
    await new Promise((resolve) => setTimeout(resolve, 100));
    block = 6;
    const outcomes = await Promise.all(waits);
    assert.ok(outcomes.every((outcome) => outcome.reached && outcome.freshness.syncedBlock === 6));
    assert.ok(queries < 15, `${queries} queries for 200 waiters`);
    assert.equal(waiter.waiting, 0);
  });

  it('answers at once when the block is already there, and unreached after the timeout', async function () {
    const waiter = new BlockWaiter(async () => at(9), { pollMs: 10, maxWaiters: 10 });
    assert.equal((await waiter.wait(9, 1_000)).reached, true);
    const started = Date.now();
    const late = await waiter.wait(10, 80);
    assert.equal(late.reached, false);
    assert.equal(late.freshness.syncedBlock, 9);
    assert.ok(Date.now() - started >= 70);
  });

  it('bounds the number of waiters: one too many is answered unreached at once', async function () {
    const waiter = new BlockWaiter(async () => at(1), { pollMs: 10, maxWaiters: 3 });
    const waiting = Array.from({ length: 3 }, () => waiter.wait(2, 300));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    assert.equal((await waiter.wait(2, 5_000)).reached, false);
    assert.ok(Date.now() - started < 100);
    waiter.close();
    assert.ok((await Promise.all(waiting)).every((outcome) => !outcome.reached));
  });

  it('keeps waiting through a failed query', async function () {
    let calls = 0;
    const waiter = new BlockWaiter(
      async () => {
        calls++;
        if (calls === 2) throw new Error('connection reset');
        return at(calls >= 3 ? 4 : 3);
      },
      { pollMs: 10, maxWaiters: 10 },
    );
    assert.equal((await waiter.wait(4, 2_000)).reached, true);
  });
});
