// SPDX-License-Identifier: Apache-2.0
// Where a system saturates, from rounds at rising offered rates, and a table row per round.
import type { RoundResult } from './open-loop';

/** A round keeps up when it commits at least this share of the offered rate... */
export const SUSTAINED_SHARE = 0.95;
/** ...with a 95th percentile latency below this. */
export const SUSTAINED_P95_MS = 2_000;

export function sustained(round: RoundResult): boolean {
  return (
    round.throughputTps >= SUSTAINED_SHARE * round.offeredTps &&
    round.latency.count > 0 &&
    round.latency.p95Ms < SUSTAINED_P95_MS
  );
}

export interface Saturation {
  /** Highest offered rate that was sustained; 0 when none was. */
  tps: number;
  /** Throughput achieved in that round. */
  achievedTps: number;
  /** Highest throughput of any round, sustained or not. */
  peakTps: number;
}

export function saturation(rounds: readonly RoundResult[]): Saturation {
  let best: RoundResult | undefined;
  for (const round of rounds) {
    if (sustained(round) && (!best || round.offeredTps > best.offeredTps)) best = round;
  }
  return {
    tps: best?.offeredTps ?? 0,
    achievedTps: best?.throughputTps ?? 0,
    peakTps: Math.max(0, ...rounds.map((round) => round.throughputTps)),
  };
}

/** Ratio of two rates to two decimals; 0 when the base is 0. */
export function ratio(value: number, base: number): number {
  return base > 0 ? Math.round((value / base) * 100) / 100 : 0;
}

/** One table row per round: offered, achieved, latency percentiles, failures and drops. */
export function roundRow(label: string, round: RoundResult): string[] {
  const reasons = Object.entries(round.failures)
    .map(([reason, count]) => `${reason}:${count}`)
    .join(' ');
  return [
    label,
    String(round.offeredTps),
    round.throughputTps.toFixed(1),
    String(round.latency.p50Ms),
    String(round.latency.p95Ms),
    String(round.latency.p99Ms),
    String(round.latency.maxMs),
    String(round.dropped),
    reasons || '-',
    sustained(round) ? 'yes' : 'no',
  ];
}

export const ROUND_HEADER = [
  'round',
  'offered/s',
  'achieved/s',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'max ms',
  'dropped',
  'failures',
  'sustained',
];
