// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

import {
  barChartSpec,
  lineChartSpec,
  parseRssKb,
  parseStat,
  ProcessMonitor,
  renderSvg,
} from '../../src/bench';

/** Spins until this process has used `ms` of CPU (wall time varies on a busy machine). */
function burn(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if (used.user + used.system >= ms * 1000) return;
  }
}

describe('process usage', function () {
  it('parses /proc/<pid>/stat even when the command name holds spaces and parentheses', function () {
    const stat =
      '4242 (my (odd) name) S 17 4242 4242 0 -1 4194304 100 0 0 0 250 50 7 3 20 0 1 0 1000 1000 100';
    assert.deepEqual(parseStat(stat), { ppid: 17, ticks: 300, childTicks: 10 });
    assert.equal(parseStat('garbage'), undefined);
  });

  it('parses VmRSS from /proc/<pid>/status', function () {
    assert.equal(parseRssKb('Name:\tpeer\nVmHWM:\t  90000 kB\nVmRSS:\t   81234 kB\n'), 81234);
    assert.equal(parseRssKb('Name:\tkthreadd\n'), 0);
  });

  it('measures the CPU a process and its children use over a round, and their peak memory', async function () {
    // The child spins for 0.4 s of CPU once it reads a line, says so, then idles.
    const child = spawn(process.execPath, [
      '-e',
      `process.stdin.once('data', () => {
        const s = process.cpuUsage();
        while (process.cpuUsage(s).user + process.cpuUsage(s).system < 400000);
        process.stdout.write('done');
        setTimeout(() => {}, 10000);
      })`,
    ]);
    try {
      const monitor = new ProcessMonitor(
        [
          { name: 'self', pid: process.pid },
          { name: 'self and children', pid: process.pid, withChildren: true },
        ],
        { sampleMs: 50 },
      );
      monitor.start();
      child.stdin.write('go\n');
      burn(300);
      await once(child.stdout, 'data');
      const [self, tree] = monitor.stop();
      assert.ok(self && tree);
      assert.ok(self.cpuSec >= 0.25, `own CPU ${self.cpuSec}`);
      // The child's busy 0.4 s counts in the tree only.
      assert.ok(tree.cpuSec >= self.cpuSec + 0.3, `tree ${tree.cpuSec}, self ${self.cpuSec}`);
      assert.ok(self.peakRssMb > 10 && tree.peakRssMb > self.peakRssMb);
    } finally {
      child.kill();
      await once(child, 'exit');
    }
  });

  it('counts of a child that exits during the round only what it used in the round', async function () {
    // The child spins for 0.5 s of CPU before the round, then exits during it.
    const child = spawn(process.execPath, [
      '-e',
      `const s = process.cpuUsage();
      while (process.cpuUsage(s).user + process.cpuUsage(s).system < 500000);
      process.stdout.write('busy');
      process.stdin.once('data', () => process.exit(0));`,
    ]);
    await once(child.stdout, 'data');
    const monitor = new ProcessMonitor(
      [{ name: 'self and children', pid: process.pid, withChildren: true }],
      { sampleMs: 50 },
    );
    const ownStart = process.cpuUsage();
    monitor.start();
    child.stdin.write('go\n');
    await once(child, 'exit');
    // The exit is taken into this process's children's time once Node has reaped the child.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [tree] = monitor.stop();
    const own = process.cpuUsage(ownStart);
    const ownSec = (own.user + own.system) / 1e6;
    assert.ok(tree && tree.cpuSec - ownSec < 0.3, `tree ${tree?.cpuSec}, own ${ownSec}`);
  });
});

describe('benchmark output', function () {
  it('draws line and bar charts as SVG without a browser', async function () {
    this.timeout(30_000);
    const line = await renderSvg(
      lineChartSpec({
        title: 'Throughput',
        xTitle: 'offered (tx/s)',
        yTitle: 'committed (tx/s)',
        diagonal: true,
        points: [
          { series: 'direct', x: 25, y: 25 },
          { series: 'direct', x: 50, y: 48 },
        ],
      }),
    );
    assert.match(line, /^<svg[^>]*>/);
    assert.match(line, /Throughput/);
    const bars = await renderSvg(
      barChartSpec({
        title: 'CPU per 1,000 transactions',
        xTitle: 'process',
        yTitle: 'CPU s',
        bars: [
          { group: 'direct', category: 'peer0.org1', value: 3.2 },
          { group: 'sync', category: 'peer0.org1', value: 3.4 },
        ],
      }),
    );
    assert.match(bars, /peer0\.org1/);
  });
});
