// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import {
  type Clock,
  type Dispatch,
  LatencyRecorder,
  RequestFailure,
  type RoundOptions,
  type RoundResult,
  runRound,
  saturation,
  sustained,
} from '../../src/bench';

interface Timer {
  at: number;
  resolve: () => void;
}

/**
 * Virtual time: timers fire in time order, each once every promise chain the previous one
 * started has run as far as it can. `stall` delivers one wake-up late, as a busy event loop does.
 */
class FakeClock implements Clock {
  t = 0;
  private timers: Timer[] = [];
  constructor(private readonly stall?: { at: number; until: number }) {}

  now(): number {
    return this.t;
  }

  sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    if (at <= this.t || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = { at, resolve };
      this.timers.push(timer);
      signal?.addEventListener('abort', () => {
        this.timers = this.timers.filter((other) => other !== timer);
        resolve();
      });
    });
  }

  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    work.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return work;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift();
      if (!next) throw new Error('nothing left to wait for, yet the round is not over');
      this.t = Math.max(this.t, next.at === this.stall?.at ? this.stall.until : next.at);
      next.resolve();
    }
  }
}

const options = (overrides: Partial<RoundOptions> = {}): RoundOptions => ({
  rateTps: 10,
  warmupSec: 0,
  durationSec: 2,
  maxInFlight: 100,
  drainSec: 10,
  ...overrides,
});

function round(overrides: Partial<RoundResult> & { p95Ms?: number }): RoundResult {
  const { p95Ms = 100, ...rest } = overrides;
  return {
    offeredTps: 10,
    durationSec: 30,
    scheduled: 300,
    sent: 300,
    succeeded: 300,
    failed: 0,
    dropped: 0,
    throughputTps: 10,
    latency: { count: 300, p50Ms: 50, p95Ms, p99Ms: p95Ms, maxMs: p95Ms, meanMs: 50 },
    failures: {},
    ...rest,
  };
}

describe('open-loop load generator', function () {
  it('sends on schedule and counts only the measured window', async function () {
    const clock = new FakeClock();
    const sentAt: number[] = [];
    const result = await clock.run(
      runRound(
        async (dispatch) => {
          sentAt.push(clock.now());
          assert.equal(dispatch.scheduledAt, clock.now());
          await clock.sleepUntil(clock.now() + 50);
        },
        options({ warmupSec: 1, durationSec: 2 }),
        clock,
      ),
    );
    assert.deepEqual(
      sentAt,
      Array.from({ length: 30 }, (_, i) => i * 100),
    );
    assert.equal(result.scheduled, 20);
    assert.equal(result.sent, 20);
    assert.equal(result.succeeded, 20);
    assert.equal(result.dropped, 0);
    assert.equal(result.throughputTps, 10);
    assert.equal(result.latency.p50Ms, 50);
    assert.equal(result.latency.maxMs, 50);
  });

  it('keeps sending while earlier requests are pending, and drops what exceeds the in-flight cap', async function () {
    const clock = new FakeClock();
    const inFlight = new Set<number>();
    const sent: Dispatch[] = [];
    const result = await clock.run(
      runRound(
        async (dispatch) => {
          assert.ok(!inFlight.has(dispatch.slot), 'a slot is never shared by two requests');
          inFlight.add(dispatch.slot);
          sent.push(dispatch);
          await clock.sleepUntil(clock.now() + 1_000);
          inFlight.delete(dispatch.slot);
        },
        options({ maxInFlight: 2 }),
        clock,
      ),
    );
    // Two go out at 0 and 100 ms; the next free slot appears when the first completes at 1 s.
    assert.deepEqual(
      sent.map((dispatch) => dispatch.scheduledAt),
      [0, 100, 1_000, 1_100],
    );
    assert.deepEqual(
      sent.map((dispatch) => dispatch.slot),
      [0, 1, 0, 1],
    );
    assert.equal(result.sent, 4);
    assert.equal(result.dropped, 16);
    assert.equal(result.succeeded, 4);
    // Of the 4 successes, those at 1 s and 1.1 s complete inside the 2 s window.
    assert.equal(result.throughputTps, 1);
    assert.ok(!sustained(result));
  });

  it('counts throughput as completions inside the window: the offered rate when the system keeps up, its capacity when not', async function () {
    const slowButSteady = new FakeClock();
    const steady = await slowButSteady.run(
      runRound(
        async () => slowButSteady.sleepUntil(slowButSteady.now() + 1_500),
        options({ warmupSec: 2, durationSec: 2 }),
        slowButSteady,
      ),
    );
    assert.equal(steady.throughputTps, 10);
    assert.equal(steady.latency.p50Ms, 1_500);

    // One request at a time, 200 ms each: 5/s, whatever is offered.
    const saturated = new FakeClock();
    let busyUntil = 0;
    const capped = await saturated.run(
      runRound(
        async () => {
          busyUntil = Math.max(saturated.now(), busyUntil) + 200;
          await saturated.sleepUntil(busyUntil);
        },
        options({ warmupSec: 1, durationSec: 4 }),
        saturated,
      ),
    );
    assert.equal(capped.throughputTps, 5);
    assert.ok(capped.latency.maxMs > 2_000);
    assert.ok(!sustained(capped));
  });

  it('measures latency from the scheduled time, so a late send still counts its wait', async function () {
    // The wake-up due at 1 s comes at 1.5 s: the five requests due meanwhile leave together.
    const clock = new FakeClock({ at: 1_000, until: 1_500 });
    const result = await clock.run(
      runRound(async () => clock.sleepUntil(clock.now() + 10), options(), clock),
    );
    assert.equal(result.succeeded, 20);
    assert.equal(result.latency.maxMs, 510);
    assert.equal(result.latency.p50Ms, 10);
  });

  it('takes a completion time the sender reports', async function () {
    const clock = new FakeClock();
    const result = await clock.run(
      runRound(
        async (dispatch) => ({ completedAt: dispatch.scheduledAt + 700 }),
        options({ durationSec: 1 }),
        clock,
      ),
    );
    assert.equal(result.latency.p50Ms, 700);
  });

  it('counts failures by reason, and requests still pending after the drain as TIMEOUT', async function () {
    const clock = new FakeClock();
    const result = await clock.run(
      runRound(
        async ({ index }) => {
          if (index === 0) return new Promise<void>(() => undefined);
          if (index % 4 === 1) throw new RequestFailure('MVCC_READ_CONFLICT');
          if (index % 4 === 2) throw new Error('boom');
          await clock.sleepUntil(clock.now() + 10);
        },
        options({ drainSec: 5 }),
        clock,
      ),
    );
    assert.deepEqual(result.failures, { TIMEOUT: 1, MVCC_READ_CONFLICT: 5, ERROR: 5 });
    assert.equal(result.failed, 11);
    assert.equal(result.succeeded, 9);
    assert.equal(clock.now(), 2_000 + 5_000);
  });

  it('refuses a round without a positive rate', async function () {
    await assert.rejects(runRound(async () => undefined, options({ rateTps: 0 })));
  });
});

describe('latency percentiles', function () {
  it('reads p50, p95, p99 and max from the recorded values', function () {
    const recorder = new LatencyRecorder();
    for (let ms = 1000; ms >= 1; ms -= 1) recorder.record(ms);
    const summary = recorder.summary();
    assert.deepEqual(
      [summary.count, summary.p50Ms, summary.p95Ms, summary.p99Ms, summary.maxMs],
      [1000, 500, 950, 990, 1000],
    );
    assert.equal(new LatencyRecorder().summary().count, 0);
  });
});

describe('saturation', function () {
  it('is the highest offered rate with throughput >= 0.95x offered and p95 < 2 s', function () {
    const rounds = [
      round({ offeredTps: 25, throughputTps: 25 }),
      round({ offeredTps: 50, throughputTps: 47.5 }),
      round({ offeredTps: 75, throughputTps: 71, p95Ms: 1_999 }),
      round({ offeredTps: 100, throughputTps: 99, p95Ms: 2_000 }),
      round({ offeredTps: 150, throughputTps: 80 }),
    ];
    assert.deepEqual(saturation(rounds), { tps: 50, achievedTps: 47.5, peakTps: 99 });
  });

  it('is 0 when no round keeps up', function () {
    assert.deepEqual(saturation([round({ offeredTps: 25, throughputTps: 20 })]), {
      tps: 0,
      achievedTps: 0,
      peakTps: 20,
    });
  });
});
