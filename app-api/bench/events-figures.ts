// SPDX-License-Identifier: Apache-2.0
// The event stream benchmark's arithmetic and its table, apart from the network it runs on.
import { formatTable } from '@consortia/network';

/** A write the DAPP answered as committed: its transaction, block, and when the answer came. */
export interface Commit {
  txId: string;
  block: number;
  at: number;
}

export interface Percentiles {
  p50: number;
  p95: number;
}

const round = (value: number) => Math.round(value * 10) / 10;

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? 0;
  return { p50: round(at(0.5)), p95: round(at(0.95)) };
}

/** Each block's commit time: the first answer of any of its writes. */
function blockCommitTimes(commits: readonly Commit[]): Map<number, number> {
  const committed = new Map<number, number>();
  for (const { block, at } of commits)
    committed.set(block, Math.min(at, committed.get(block) ?? at));
  return committed;
}

/**
 * Each event's delivery latency from its block's commit to its first receipt. A block's commit
 * time is the first answer of any of its writes (the DAPP answers once the peer reports the
 * block committed), so a write answered late does not shorten its event's latency. Events
 * never received are counted as missed, not measured.
 */
export function latenciesFromBlockCommit(
  commits: readonly Commit[],
  receivedAt: ReadonlyMap<string, number>,
): { latencies: number[]; missed: number } {
  const blockCommitted = blockCommitTimes(commits);
  const latencies: number[] = [];
  let missed = 0;
  for (const { txId, block, at } of commits) {
    const received = receivedAt.get(txId);
    if (received === undefined) missed++;
    else latencies.push(Math.max(0, received - (blockCommitted.get(block) ?? at)));
  }
  return { latencies, missed };
}

/**
 * Where each event's latency goes: from its block's commit to datasync's notification that the
 * mirror holds the block (the peer's block event, decoding, the Postgres write), and from that
 * notification to the client's receipt (the app-api's read, batch wait and send). `noticedAt`
 * maps a block to when the first notification covering it arrived.
 */
export function latencyStages(
  commits: readonly Commit[],
  noticedAt: ReadonlyMap<number, number>,
  receivedAt: ReadonlyMap<string, number>,
): { mirrored: Percentiles; delivered: Percentiles } {
  const blockCommitted = blockCommitTimes(commits);
  const mirrored: number[] = [];
  const delivered: number[] = [];
  for (const { txId, block } of commits) {
    const noticed = noticedAt.get(block);
    const committed = blockCommitted.get(block);
    const received = receivedAt.get(txId);
    if (noticed === undefined || committed === undefined || received === undefined) continue;
    mirrored.push(Math.max(0, noticed - committed));
    delivered.push(Math.max(0, received - noticed));
  }
  return { mirrored: percentiles(mirrored), delivered: percentiles(delivered) };
}

export interface EventFigures {
  events: number;
  latencyMs: Percentiles;
  /** The WebSocket latency split at datasync's block notification. */
  stagesMs: { commitToMirrored: Percentiles; mirroredToReceipt: Percentiles };
  webhook: { latencyMs: Percentiles; missed: number };
  eventsPerSec: { oneSubscriber: number; fiftySubscribers: number };
  missed: number;
  machine: { cpus: number; loadAverage1m: { start: number; end: number } };
}

/** The figures as a table to read, one line per measurement. */
export function eventsTable(figures: EventFigures): string {
  const ms = (value: number) => `${value} ms`;
  return formatTable(
    ['measurement', 'p50', 'p95', 'events/s', 'missed'],
    [
      [
        'live, WebSocket (commit → receipt)',
        ms(figures.latencyMs.p50),
        ms(figures.latencyMs.p95),
        '',
        '',
      ],
      [
        '  commit → mirrored (block notification)',
        ms(figures.stagesMs.commitToMirrored.p50),
        ms(figures.stagesMs.commitToMirrored.p95),
        '',
        '',
      ],
      [
        '  mirrored → receipt',
        ms(figures.stagesMs.mirroredToReceipt.p50),
        ms(figures.stagesMs.mirroredToReceipt.p95),
        '',
        '',
      ],
      [
        'live, webhook (commit → POST received)',
        ms(figures.webhook.latencyMs.p50),
        ms(figures.webhook.latencyMs.p95),
        '',
        String(figures.webhook.missed),
      ],
      ['replay to 1 subscriber', '', '', String(figures.eventsPerSec.oneSubscriber), ''],
      ['replay to 50 subscribers', '', '', String(figures.eventsPerSec.fiftySubscribers), ''],
      ['all deliveries', '', '', '', String(figures.missed)],
    ],
  );
}
