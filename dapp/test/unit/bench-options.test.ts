// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { benchOptions } from '../../bench/options';
import { cpuPerThousand, DAPP_PROCESS, dappCpuShare, type Round } from '../../bench/report';

function round(mode: Round['mode'], succeeded: number, cpu: Record<string, number>): Round {
  return {
    workload: 'transfer',
    mode,
    offeredTps: 10,
    durationSec: 10,
    scheduled: succeeded,
    sent: succeeded,
    succeeded,
    failed: 0,
    dropped: 0,
    throughputTps: 10,
    latency: { count: succeeded, p50Ms: 1, p95Ms: 1, p99Ms: 1, maxMs: 1, meanMs: 1 },
    failures: {},
    processes: Object.entries(cpu).map(([name, cpuSec]) => ({
      name,
      pid: 1,
      cpuSec,
      peakRssMb: 1,
    })),
  };
}

describe('DAPP benchmark settings and figures', function () {
  it('defaults to rounds at 25-150 tx/s of 30 s after 5 s, every mode and workload', function () {
    assert.deepEqual(benchOptions({}), {
      rates: [25, 50, 75, 100, 150],
      roundSec: 30,
      warmupSec: 5,
      drainSec: 30,
      maxInFlight: 300,
      modes: ['direct', 'sync', 'async'],
      workloads: ['transfer', 'asset'],
      acceptRates: [250, 500, 1000, 1500, 2000],
      acceptSec: 10,
    });
  });

  it('runs the accept rounds only with the async mode, and none when BENCH_ACCEPT_RATES is empty', function () {
    assert.deepEqual(benchOptions({ BENCH_ACCEPT_RATES: '100, 200' }).acceptRates, [100, 200]);
    assert.deepEqual(benchOptions({ BENCH_ACCEPT_RATES: '' }).acceptRates, []);
    assert.deepEqual(benchOptions({ BENCH_MODES: 'direct,sync' }).acceptRates, []);
    assert.throws(() => benchOptions({ BENCH_ACCEPT_RATES: '100,-5' }));
  });

  it('takes rates, durations, modes and workloads from BENCH_* and refuses unknown ones', function () {
    const options = benchOptions({
      BENCH_RATES: '10, 20',
      BENCH_ROUND_SEC: '5',
      BENCH_WARMUP_SEC: '0',
      BENCH_MODES: 'async',
      BENCH_WORKLOADS: 'asset',
    });
    assert.deepEqual(
      [options.rates, options.roundSec, options.warmupSec, options.modes, options.workloads],
      [[10, 20], 5, 0, ['async'], ['asset']],
    );
    assert.throws(() => benchOptions({ BENCH_RATES: '10,fast' }));
    assert.throws(() => benchOptions({ BENCH_MODES: 'batch' }));
  });

  it('puts CPU per 1,000 committed transactions over all rounds of a mode', function () {
    const rounds = [
      round('direct', 500, { peer: 1, orderer: 0.5 }),
      round('direct', 1_500, { peer: 3, orderer: 0.5 }),
      round('sync', 0, { peer: 1 }),
    ];
    assert.deepEqual(cpuPerThousand(rounds), [
      { mode: 'direct', process: 'peer', cpuSec: 2 },
      { mode: 'direct', process: 'orderer', cpuSec: 0.5 },
    ]);
  });

  it("gives the DAPP process's share of all the CPU its mode's rounds used", function () {
    const rounds = [
      round('sync', 100, { peer: 6, [DAPP_PROCESS]: 1, bench: 1 }),
      round('sync', 100, { peer: 5, [DAPP_PROCESS]: 2 }),
    ];
    assert.equal(dappCpuShare(rounds), 0.2);
    assert.equal(dappCpuShare([round('direct', 10, { peer: 1 })]), 0);
    assert.equal(dappCpuShare([]), 0);
  });
});
