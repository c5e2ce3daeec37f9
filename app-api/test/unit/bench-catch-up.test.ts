// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import type { Clock } from '@consortia/common/bench';

import { CatchUpTimeout, waitForCatchUp } from '../../bench/catch-up';
import { benchOptions } from '../../bench/options';

/** A clock that jumps straight to whatever time it is asked to sleep until. */
function fakeClock(): Clock & { ms: number } {
  const clock = {
    ms: 0,
    now: () => clock.ms,
    sleepUntil: async (ms: number) => {
      clock.ms = Math.max(clock.ms, ms);
    },
  };
  return clock;
}

describe('the app-api benchmark waiting for its mirror to catch up', function () {
  it('waits as long as the mirror keeps applying blocks, well past 10 s, and reports progress', async function () {
    // What a fresh mirror does after the datasync benchmark: 591 blocks at 11 blocks/s, ~54 s.
    const clock = fakeClock();
    const lines: string[] = [];
    const caughtUp = await waitForCatchUp({
      target: 591,
      applied: async () => Math.min(591, Math.floor((clock.ms / 1000) * 11)),
      stallSec: 30,
      maxSec: 3_600,
      log: (line) => lines.push(line),
      clock,
    });
    assert.ok(clock.ms > 50_000, `returned at ${clock.ms} ms`);
    assert.equal(caughtUp.blocks, 591);
    assert.ok(Math.abs(caughtUp.blocksPerSec - 11) < 0.5, String(caughtUp.blocksPerSec));
    const progress = lines.filter((line) => line.startsWith('mirror catch-up: block'));
    assert.ok(progress.length >= 9, lines.join('\n'));
    assert.match(progress[0] ?? '', /block \d+ of 591, \d+ applied in [\d.]+ s \(11\.0 blocks\/s/);
  });

  it('returns at once when the mirror already has the block', async function () {
    const clock = fakeClock();
    const caughtUp = await waitForCatchUp({
      target: 7,
      applied: async () => 9,
      stallSec: 1,
      maxSec: 1,
      clock,
    });
    assert.equal(clock.ms, 0);
    assert.equal(caughtUp.blocks, 0);
  });

  it('gives up when the mirror stops applying blocks, naming the block reached and the setting', async function () {
    const clock = fakeClock();
    const wait = waitForCatchUp({
      target: 500,
      applied: async () => Math.min(120, Math.floor(clock.ms / 100)),
      stallSec: 20,
      maxSec: 3_600,
      clock,
    });
    await assert.rejects(wait, (error: unknown) => {
      assert.ok(error instanceof CatchUpTimeout);
      assert.equal(error.reached, 120);
      assert.match(error.message, /did not reach block 500: it reached block 120/);
      assert.match(error.message, /BENCH_CATCHUP_STALL_SEC/);
      return true;
    });
    // Stalled at 12 s, given up 20 s later.
    assert.ok(clock.ms >= 32_000 && clock.ms < 33_000, String(clock.ms));
  });

  it('gives up at its overall bound even while the mirror creeps on', async function () {
    const clock = fakeClock();
    await assert.rejects(
      waitForCatchUp({
        target: 10_000,
        applied: async () => Math.floor(clock.ms / 1000),
        stallSec: 60,
        maxSec: 100,
        clock,
      }),
      /reached block 100 after 100\.0 s .*BENCH_CATCHUP_TIMEOUT_SEC/,
    );
  });

  it('takes its limits and offered rates from the environment', function () {
    const defaults = benchOptions({});
    assert.deepEqual(defaults.catchUp, { stallSec: 120, maxSec: 3_600 });
    assert.deepEqual(defaults.rates, [25, 50, 100, 200, 300, 400]);
    const set = benchOptions({ BENCH_CATCHUP_STALL_SEC: '30', BENCH_LISTING_RATES: '5,10' });
    assert.equal(set.catchUp.stallSec, 30);
    assert.deepEqual(set.rates, [5, 10]);
    assert.throws(() => benchOptions({ BENCH_LISTING_RATES: '5,-1' }), /BENCH_LISTING_RATES/);
  });
});
