// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import type { EventFigures } from '../../bench/events-figures';
import {
  eventsTable,
  latenciesFromBlockCommit,
  latencyStages,
  percentiles,
} from '../../bench/events-figures';

describe('event stream benchmark figures', function () {
  it('measures each event from its block’s commit, the first answer naming that block', function () {
    const commits = [
      { txId: 'a', block: 7, at: 1_000 },
      // Answered later than its block's commit: its event's latency still starts at 1000.
      { txId: 'b', block: 7, at: 1_300 },
      { txId: 'c', block: 8, at: 2_000 },
      { txId: 'd', block: 8, at: 2_010 },
    ];
    const received = new Map([
      ['a', 1_100],
      ['b', 1_150],
      ['c', 2_050],
    ]);
    assert.deepEqual(latenciesFromBlockCommit(commits, received), {
      latencies: [100, 150, 50],
      missed: 1,
    });
  });

  it('splits each latency at the block notification of datasync', function () {
    const commits = [
      { txId: 'a', block: 7, at: 1_000 },
      { txId: 'b', block: 7, at: 1_300 },
      { txId: 'c', block: 8, at: 2_000 },
      // never noticed: left out of both stages
      { txId: 'd', block: 9, at: 3_000 },
    ];
    const noticed = new Map([
      [7, 1_040],
      [8, 2_010],
    ]);
    const received = new Map([
      ['a', 1_100],
      ['b', 1_100],
      ['c', 2_110],
      ['d', 3_500],
    ]);
    assert.deepEqual(latencyStages(commits, noticed, received), {
      mirrored: { p50: 40, p95: 40 },
      delivered: { p50: 60, p95: 100 },
    });
  });

  it('takes the nearest-rank p50 and p95', function () {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.deepEqual(percentiles(values), { p50: 50, p95: 95 });
    assert.deepEqual(percentiles([]), { p50: 0, p95: 0 });
  });

  it('prints a table of every figure', function () {
    const figures: EventFigures = {
      events: 200,
      latencyMs: { p50: 120, p95: 340.5 },
      stagesMs: {
        commitToMirrored: { p50: 30, p95: 90 },
        mirroredToReceipt: { p50: 90, p95: 250 },
      },
      webhook: { latencyMs: { p50: 140, p95: 400 }, missed: 0 },
      eventsPerSec: { oneSubscriber: 900, fiftySubscribers: 4_000 },
      missed: 0,
      machine: { cpus: 2, loadAverage1m: { start: 3, end: 4 } },
    };
    const table = eventsTable(figures).split('\n');
    assert.match(table[0] ?? '', /^measurement\s+p50\s+p95\s+events\/s\s+missed$/);
    assert.match(table[2] ?? '', /^live, WebSocket \(commit → receipt\)\s+120 ms\s+340\.5 ms$/);
    assert.match(table[3] ?? '', /^ {2}commit → mirrored.*30 ms\s+90 ms$/);
    assert.match(table[4] ?? '', /^ {2}mirrored → receipt\s+90 ms\s+250 ms$/);
    assert.match(table[5] ?? '', /webhook.*140 ms\s+400 ms\s+0$/);
    assert.match(table[7] ?? '', /^replay to 50 subscribers\s+4000$/);
    assert.equal(table.length, 9);
  });
});
