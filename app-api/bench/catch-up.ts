// SPDX-License-Identifier: Apache-2.0
// Waiting for a fresh mirror to catch up with the ledger before a benchmark measures it. On a
// network that already holds a long ledger (after the datasync benchmark, some 16,000
// transactions), a mirror started from block 0 needs about a minute, so a fixed short wait is
// wrong: the wait lasts as long as the mirror keeps applying blocks, prints its progress and
// rate, and gives up only when it stalls or passes a generous overall bound, saying how far it
// got and which setting raises the limit.
import { type Clock, realClock } from '@consortia/common/bench';

export interface CatchUpOptions {
  /** The block the mirror must have applied. */
  target: number;
  /** The highest block the mirror has applied (-1 when none). */
  applied: () => Promise<number>;
  /** Fails when no block was applied for this long. */
  stallSec: number;
  /** Fails when the whole wait lasts longer than this. */
  maxSec: number;
  pollMs?: number;
  /** How often a progress line is printed. */
  progressSec?: number;
  log?: (message: string) => void;
  clock?: Clock;
  /** The variables that set stallSec and maxSec, named when the wait gives up. */
  settings?: { stall: string; overall: string };
}

export interface CatchUp {
  seconds: number;
  /** Blocks applied during the wait. */
  blocks: number;
  blocksPerSec: number;
}

export class CatchUpTimeout extends Error {
  constructor(
    message: string,
    readonly reached: number,
  ) {
    super(message);
    this.name = 'CatchUpTimeout';
  }
}

const fixed1 = (value: number) => (Math.round(value * 10) / 10).toFixed(1);

export async function waitForCatchUp(options: CatchUpOptions): Promise<CatchUp> {
  const { target, applied, stallSec, maxSec } = options;
  const clock = options.clock ?? realClock;
  const pollMs = options.pollMs ?? 500;
  const progressMs = (options.progressSec ?? 5) * 1000;
  const log = options.log ?? (() => undefined);
  const settings = options.settings ?? {
    stall: 'BENCH_CATCHUP_STALL_SEC',
    overall: 'BENCH_CATCHUP_TIMEOUT_SEC',
  };
  const started = clock.now();
  const first = await applied();
  let reached = first;
  let lastAdvance = started;
  let lastProgress = started;
  let reachedAtProgress = first;
  const rate = (now: number) => (reached - first) / Math.max(0.001, (now - started) / 1000);
  if (reached < target) log(`waiting for the mirror to reach block ${target} (at ${reached})`);
  while (reached < target) {
    await clock.sleepUntil(clock.now() + pollMs);
    const now = clock.now();
    const height = await applied();
    if (height > reached) {
      reached = height;
      lastAdvance = now;
    }
    if (reached >= target) break;
    const perSec = rate(now);
    if (now - lastProgress >= progressMs) {
      // The recent rate predicts the rest best: later blocks may be fuller than early ones.
      const recent = ((reached - reachedAtProgress) * 1000) / (now - lastProgress);
      lastProgress = now;
      reachedAtProgress = reached;
      const eta = recent > 0 ? `, about ${Math.ceil((target - reached) / recent)} s left` : '';
      log(
        `mirror catch-up: block ${reached} of ${target}, ${reached - first} applied in ` +
          `${fixed1((now - started) / 1000)} s (${fixed1(perSec)} blocks/s${eta})`,
      );
    }
    const stalled = now - lastAdvance >= stallSec * 1000;
    const overall = now - started >= maxSec * 1000;
    if (stalled || overall) {
      const why = stalled
        ? `no block applied for ${stallSec} s (raise ${settings.stall} to wait longer)`
        : `the wait passed its bound of ${maxSec} s (raise ${settings.overall})`;
      throw new CatchUpTimeout(
        `the mirror did not reach block ${target}: it reached block ${reached} after ` +
          `${fixed1((now - started) / 1000)} s at ${fixed1(perSec)} blocks/s; ${why}`,
        reached,
      );
    }
  }
  const seconds = (clock.now() - started) / 1000;
  const blocks = reached - first;
  if (blocks > 0)
    log(
      `mirror caught up: ${blocks} blocks in ${fixed1(seconds)} s (${fixed1(rate(clock.now()))} blocks/s)`,
    );
  return { seconds, blocks, blocksPerSec: blocks / Math.max(0.001, seconds) };
}
