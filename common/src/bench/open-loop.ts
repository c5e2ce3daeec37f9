// SPDX-License-Identifier: Apache-2.0
// An open-loop load generator: requests leave on a fixed schedule (the offered rate) whether or
// not earlier ones have finished, the way a system's real clients keep arriving. Latency is
// measured from each request's scheduled send time, not from when it actually left, so a
// generator held up by a slow system does not hide that slowness (no coordinated omission).
import { LatencyRecorder, type LatencySummary } from './latency';

/** Milliseconds on a monotonic clock, and a way to wait for a point on it. */
export interface Clock {
  now(): number;
  /** Resolves at `ms`, or at once when `signal` aborts. */
  sleepUntil(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleepUntil: (ms, signal) => {
    const wait = ms - performance.now();
    if (wait <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, wait);
      signal?.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
    });
  },
};

/** A failure with a short, countable reason (e.g. MVCC_READ_CONFLICT, HTTP_503). */
export class RequestFailure extends Error {
  constructor(
    readonly reason: string,
    message = reason,
  ) {
    super(message);
    this.name = 'RequestFailure';
  }
}

export interface Dispatch {
  /** Sequence number in the round, warm-up included. */
  index: number;
  /**
   * A lane no other request in flight holds (0..maxInFlight-1), handed out least recently used
   * first: a caller maps it to a sender whose requests must not overlap (a token account).
   */
  slot: number;
  /** When the request was due, on the round's clock. */
  scheduledAt: number;
}

/**
 * Sends one request and settles when it is done (for a write, when it committed). It may
 * report its own completion time (e.g. a commit time read later from a database), on the
 * round's clock; otherwise the moment it settles counts.
 */
export type Send = (dispatch: Dispatch) => Promise<Completion> | Promise<void>;

export interface Completion {
  completedAt?: number;
}

export interface RoundOptions {
  /** Offered rate, requests per second. */
  rateTps: number;
  /** Requests sent before the measured window, not counted. */
  warmupSec: number;
  /** Length of the measured window. */
  durationSec: number;
  /** Requests in flight at most; a request due while this many are pending is dropped. */
  maxInFlight: number;
  /** How long after the last send the round waits for stragglers (they then count as TIMEOUT). */
  drainSec: number;
}

export interface RoundResult {
  offeredTps: number;
  durationSec: number;
  /** Measured requests (due inside the window). */
  scheduled: number;
  sent: number;
  succeeded: number;
  failed: number;
  /** Due while maxInFlight were pending, so never sent. */
  dropped: number;
  /**
   * Successes per second completing inside the measured window, whenever they were sent: the
   * rate the system delivers at, like a meter on its output. The warm-up fills the pipeline
   * first, so a system that keeps up delivers the offered rate; one that saturates, less.
   */
  throughputTps: number;
  latency: LatencySummary;
  /** Failed requests by reason, including TIMEOUT for those still pending after the drain. */
  failures: Record<string, number>;
}

export const TIMEOUT = 'TIMEOUT';

function reasonOf(error: unknown): string {
  if (error instanceof RequestFailure) return error.reason;
  if (error instanceof Error) return error.name === 'Error' ? 'ERROR' : error.name;
  return 'ERROR';
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** Runs one round at a fixed offered rate: a warm-up, then the measured window, then a drain. */
export async function runRound(
  send: Send,
  options: RoundOptions,
  clock: Clock = realClock,
  onError?: (error: unknown, dispatch: Dispatch) => void,
): Promise<RoundResult> {
  const { rateTps, warmupSec, durationSec, maxInFlight, drainSec } = options;
  if (!(rateTps > 0) || !(durationSec > 0) || !(maxInFlight >= 1)) {
    throw new Error('a round needs a positive rate, duration and in-flight limit');
  }
  const interval = 1000 / rateTps;
  const start = clock.now();
  const windowStart = start + warmupSec * 1000;
  const windowEnd = windowStart + durationSec * 1000;
  const latencies = new LatencyRecorder();
  const failures: Record<string, number> = {};
  const free = Array.from({ length: maxInFlight }, (_, slot) => slot);
  // Requests still in flight, by index.
  const pending = new Map<number, Promise<void>>();
  let measuredPending = 0;
  let scheduled = 0;
  let sent = 0;
  let succeeded = 0;
  let dropped = 0;
  let completedInWindow = 0;
  const fail = (reason: string) => {
    failures[reason] = (failures[reason] ?? 0) + 1;
  };

  for (let index = 0; ; index += 1) {
    const scheduledAt = start + index * interval;
    if (scheduledAt >= windowEnd) break;
    await clock.sleepUntil(scheduledAt);
    const measured = scheduledAt >= windowStart;
    if (measured) scheduled += 1;
    const slot = free.shift();
    if (slot === undefined) {
      if (measured) dropped += 1;
      continue;
    }
    if (measured) sent += 1;
    const dispatch: Dispatch = { index, slot, scheduledAt };
    if (measured) measuredPending += 1;
    const request = (async () => {
      try {
        // Never settles in this same turn, so the request is in `pending` before it leaves it.
        await Promise.resolve();
        const outcome = (await send(dispatch)) as Completion | undefined;
        const completedAt = outcome?.completedAt ?? clock.now();
        if (completedAt >= windowStart && completedAt < windowEnd) completedInWindow += 1;
        if (!measured) return;
        succeeded += 1;
        latencies.record(completedAt - scheduledAt);
      } catch (error) {
        onError?.(error, dispatch);
        if (measured) fail(reasonOf(error));
      } finally {
        free.push(slot);
        pending.delete(index);
        if (measured) measuredPending -= 1;
      }
    })();
    pending.set(index, request);
  }

  const drainDone = new AbortController();
  const drained = Promise.all([...pending.values()]).then(() => true);
  const timedOut = clock
    .sleepUntil(Math.max(clock.now(), windowEnd) + drainSec * 1000, drainDone.signal)
    .then(() => false);
  const allDone = await Promise.race([drained, timedOut]);
  drainDone.abort();
  if (!allDone) for (let i = 0; i < measuredPending; i += 1) fail(TIMEOUT);
  const failed = Object.values(failures).reduce((sum, count) => sum + count, 0);
  return {
    offeredTps: rateTps,
    durationSec,
    scheduled,
    sent,
    succeeded,
    failed,
    dropped,
    throughputTps: round1(completedInWindow / durationSec),
    latency: latencies.summary(),
    failures,
  };
}
