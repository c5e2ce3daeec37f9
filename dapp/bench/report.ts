// SPDX-License-Identifier: Apache-2.0
// The DAPP benchmark's results: bench/results/dapp.json, a text table and SVG charts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  barChartSpec,
  lineChartSpec,
  type ProcessUsage,
  ratio,
  ROUND_HEADER,
  type RoundResult,
  roundRow,
  saturation,
  type Saturation,
  writeChart,
} from '@consortia/common/bench';
import { formatTable } from '@consortia/network';

import type { BenchOptions, Mode, Workload } from './options';

export const RESULTS_DIR = path.resolve(__dirname, '..', '..', 'bench', 'results');
export const RESULTS = path.join(RESULTS_DIR, 'dapp.json');

/** The bench process runs the load generator (with the direct mode's gateway clients). */
export const BENCH_PROCESS = 'bench (load generator)';
/** The DAPP runs as a process of its own, as deployed. */
export const DAPP_PROCESS = 'dapp';

/** A round with what each watched process used over its measured window. */
export interface MeasuredRound extends RoundResult {
  processes: ProcessUsage[];
}

export interface Round extends MeasuredRound {
  workload: Workload;
  mode: Mode;
}

/** A round of the async front door alone: requests accepted (202) a second, none consumed. */
export type AcceptRound = MeasuredRound;

interface WorkloadSummary {
  direct: Saturation;
  sync: Saturation;
  async: Saturation;
  ratios: { syncVsDirect: number; asyncVsDirect: number };
  /** The DAPP process's share of all watched processes' CPU, over the mode's rounds. */
  dappCpuShare: { sync: number; async: number };
}

/** The DAPP process's CPU over that of every watched process, in the rounds given. */
export function dappCpuShare(rounds: readonly Round[]): number {
  const usages = rounds.flatMap((round) => round.processes);
  const total = usages.reduce((sum, usage) => sum + usage.cpuSec, 0);
  const dapp = usages
    .filter((usage) => usage.name === DAPP_PROCESS)
    .reduce((sum, usage) => sum + usage.cpuSec, 0);
  return total > 0 ? Math.round((dapp / total) * 1000) / 1000 : 0;
}

function summarize(rounds: readonly Round[], workload: Workload): WorkloadSummary {
  const roundsOf = (mode: Mode) =>
    rounds.filter((round) => round.workload === workload && round.mode === mode);
  const [direct, sync, async] = [
    saturation(roundsOf('direct')),
    saturation(roundsOf('sync')),
    saturation(roundsOf('async')),
  ];
  return {
    direct,
    sync,
    async,
    ratios: {
      syncVsDirect: ratio(sync.tps, direct.tps),
      asyncVsDirect: ratio(async.tps, direct.tps),
    },
    dappCpuShare: {
      sync: dappCpuShare(roundsOf('sync')),
      async: dappCpuShare(roundsOf('async')),
    },
  };
}

/** CPU seconds per 1,000 committed transactions of each process, over all rounds of a mode. */
export function cpuPerThousand(
  rounds: readonly Round[],
): { mode: Mode; process: string; cpuSec: number }[] {
  const result: { mode: Mode; process: string; cpuSec: number }[] = [];
  for (const mode of new Set(rounds.map((round) => round.mode))) {
    const ofMode = rounds.filter((round) => round.mode === mode);
    const committed = ofMode.reduce((sum, round) => sum + round.succeeded, 0);
    if (committed === 0) continue;
    const cpu = new Map<string, number>();
    for (const usage of ofMode.flatMap((round) => round.processes)) {
      cpu.set(usage.name, (cpu.get(usage.name) ?? 0) + usage.cpuSec);
    }
    for (const [process, seconds] of cpu) {
      result.push({ mode, process, cpuSec: Math.round((seconds / committed) * 100_000) / 100 });
    }
  }
  return result;
}

export function roundsTable(rounds: readonly Round[]): string {
  return formatTable(
    ROUND_HEADER,
    rounds.map((round) => roundRow(`${round.workload} ${round.mode}`, round)),
  );
}

async function drawCharts(
  rounds: readonly Round[],
  workloads: readonly Workload[],
): Promise<string[]> {
  const files: string[] = [];
  for (const workload of workloads) {
    const ofWorkload = rounds.filter((round) => round.workload === workload);
    if (ofWorkload.length === 0) continue;
    const points = (value: (round: Round) => number) =>
      ofWorkload.map((round) => ({ series: round.mode, x: round.offeredTps, y: value(round) }));
    const charts: [string, Record<string, unknown>][] = [
      [
        `dapp-${workload}-throughput.svg`,
        lineChartSpec({
          title: `DAPP benchmark, ${workload}: committed throughput`,
          xTitle: 'offered rate (tx/s)',
          yTitle: 'committed (tx/s)',
          diagonal: true,
          points: points((round) => round.throughputTps),
        }),
      ],
      [
        `dapp-${workload}-p95.svg`,
        lineChartSpec({
          title: `DAPP benchmark, ${workload}: p95 latency to commit`,
          xTitle: 'offered rate (tx/s)',
          yTitle: 'p95 latency (ms)',
          points: points((round) => round.latency.p95Ms),
        }),
      ],
      [
        `dapp-${workload}-cpu.svg`,
        barChartSpec({
          title: `DAPP benchmark, ${workload}: CPU seconds per 1,000 committed transactions`,
          xTitle: 'process',
          yTitle: 'CPU s / 1,000 tx',
          bars: cpuPerThousand(ofWorkload).map((entry) => ({
            group: entry.mode,
            category: entry.process,
            value: entry.cpuSec,
          })),
        }),
      ],
    ];
    for (const [file, spec] of charts) {
      await writeChart(path.join(RESULTS_DIR, file), spec);
      files.push(file);
    }
  }
  return files;
}

async function drawAcceptChart(rounds: readonly AcceptRound[]): Promise<string[]> {
  if (rounds.length === 0) return [];
  const file = 'dapp-accept.svg';
  const points = rounds.flatMap((round) => [
    { series: 'accepted (req/s)', x: round.offeredTps, y: round.throughputTps },
    { series: 'p95 to 202 (ms)', x: round.offeredTps, y: round.latency.p95Ms },
  ]);
  await writeChart(
    path.join(RESULTS_DIR, file),
    lineChartSpec({
      title: 'DAPP benchmark: async requests accepted (202), nothing consumed',
      xTitle: 'offered rate (req/s)',
      yTitle: 'accepted (req/s); p95 (ms)',
      diagonal: true,
      points,
    }),
  );
  return [file];
}

const pct = (share: number) => `${Math.round(share * 1000) / 10}%`;

/** Writes dapp.json and the charts; returns the text report. */
export async function writeResults(
  rounds: readonly Round[],
  acceptRounds: readonly AcceptRound[],
  options: BenchOptions,
): Promise<string> {
  const workloads = options.workloads;
  const perWorkload = Object.fromEntries(workloads.map((w) => [w, summarize(rounds, w)]));
  const main = summarize(
    rounds,
    workloads.includes('transfer') ? 'transfer' : (workloads[0] ?? 'transfer'),
  );
  const charts = [
    ...(await drawCharts(rounds, workloads)),
    ...(await drawAcceptChart(acceptRounds)),
  ];
  const accept = { ...saturation(acceptRounds), rounds: acceptRounds };
  const results = {
    conditions: {
      rates: options.rates,
      roundSec: options.roundSec,
      warmupSec: options.warmupSec,
      maxInFlight: options.maxInFlight,
      cpus: os.cpus().length,
      acceptRates: options.acceptRates,
      acceptSec: options.acceptSec,
      saturation: 'highest offered rate with throughput >= 0.95x offered and p95 < 2 s',
      processes: `'${DAPP_PROCESS}' is the DAPP's own process; '${BENCH_PROCESS}' drives the load`,
    },
    direct: main.direct,
    sync: main.sync,
    async: main.async,
    ratios: main.ratios,
    workloads: perWorkload,
    accept,
    rounds,
    charts,
    measuredAt: new Date().toISOString(),
  };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  const lines = [roundsTable(rounds), ''];
  if (acceptRounds.length > 0) {
    lines.push(
      formatTable(
        ROUND_HEADER,
        acceptRounds.map((round) => roundRow('async accept', round)),
      ),
      '',
      `async accept: saturation ${accept.tps} req/s (peak ${accept.peakTps})`,
    );
  }
  for (const workload of workloads) {
    const summary = perWorkload[workload];
    if (!summary) continue;
    lines.push(
      `${workload}: saturation direct ${summary.direct.tps} tx/s, sync ${summary.sync.tps}, async ${summary.async.tps}` +
        ` (sync/direct ${summary.ratios.syncVsDirect}, async/direct ${summary.ratios.asyncVsDirect});` +
        ` DAPP's share of the CPU: sync ${pct(summary.dappCpuShare.sync)}, async ${pct(summary.dappCpuShare.async)}`,
    );
  }
  return lines.join('\n');
}
