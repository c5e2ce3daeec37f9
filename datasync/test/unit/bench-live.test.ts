// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { CheckpointWatch } from '../../bench/live';
import { benchOptions } from '../../bench/options';

describe('the datasync benchmark', function () {
  it('sees each block covered once the checkpoint reaches it, with one poller for all waiters', async function () {
    let checkpoint = 3;
    let reads = 0;
    const watch = new CheckpointWatch(async () => {
      reads += 1;
      return checkpoint;
    }, 5);
    watch.start();
    try {
      const waits = Array.from({ length: 100 }, (_, index) => watch.covered(4 + (index % 2)));
      await new Promise((resolve) => setTimeout(resolve, 40));
      const before = performance.now();
      checkpoint = 5;
      const seenAt = await Promise.all(waits);
      assert.ok(seenAt.every((at) => at >= before));
      assert.ok(reads < 30, `${reads} reads`);
      // A block already covered resolves at once.
      assert.ok((await watch.covered(2)) > 0);
    } finally {
      watch.stop();
    }
  });

  it('reads its offered rates and refuses nonsense', function () {
    assert.deepEqual(benchOptions({}).rates, [25, 50, 100, 150]);
    const short = benchOptions({ BENCH_WRITE_RATES: '10, 20', BENCH_LEDGER_TX: '300' });
    assert.deepEqual(short.rates, [10, 20]);
    assert.equal(short.ledgerTransactions, 300);
    assert.throws(() => benchOptions({ BENCH_WRITE_RATES: '10,x' }), /BENCH_WRITE_RATES/);
  });
});
