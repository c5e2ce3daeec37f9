// SPDX-License-Identifier: Apache-2.0
/**
 * `npm run bench -w datasync` (after the catch-up benchmark) or `npm run bench:reads -w
 * datasync`: READS THAT SCALE. For each scale (10k, 100k and 1M transactions by default) it
 * fills an empty embedded Postgres with a synthetic ledger (./reads-chain) through datasync's
 * writer, in batches of blocks (./reads-build; no Fabric network needed), then times every
 * explorer and app-api listing, search and detail (./reads-routes), one request at a time.
 * Writes bench/results/reads.json at the repository root:
 * `{ "scales": [{ "transactions", "buildTxPerSec", "loadAverage", "maxP95Ms", "routes": {...} }] }`.
 * With BENCH_READS_KEEP=<dir>, each scale's database stays in <dir>/reads-<N> (for EXPLAIN
 * ANALYZE afterwards), and a later run given the same dir migrates it and times it again
 * without building it anew (its build figures are those of the run that built it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { env, loadConfig } from '@consortia/common';
import { z } from 'zod';

import { mirrorDb } from '../src/read';
import { startPostgres } from '../test/support/postgres';
import type { BenchPostgres } from './reads-kept';
import { keptPostgres } from './reads-kept';
import type { ChainShape } from './reads-chain';
import { buildMirror } from './reads-build';
import { routes } from './reads-routes';

const ROOT = path.resolve(__dirname, '..', '..');
const RESULTS = path.join(ROOT, 'bench', 'results', 'reads.json');
const log = (message: string) => process.stderr.write(`  ${message}\n`);

const schema = z.object({
  BENCH_READS_SCALES: env
    .list()
    .transform((items) => items.map(Number))
    .refine((scales) => scales.length > 0 && scales.every((n) => Number.isInteger(n) && n > 0), {
      message: 'expected transaction counts, e.g. 10000,100000,1000000',
    }),
  /** Leaves out the scales above it, for a quick run. */
  BENCH_READS_MAX_TX: env.positiveInt(Number.MAX_SAFE_INTEGER),
  BENCH_READS_SAMPLES: env.positiveInt(200),
  BENCH_READS_TX_PER_BLOCK: env.positiveInt(50),
  BENCH_READS_ACCOUNTS: env.positiveInt(10_000),
  BENCH_READS_PORT: env.positiveInt(31_530),
  /** Keeps each scale's database under this directory, and reuses one built before. */
  BENCH_READS_KEEP: z.string().optional(),
});

const loadAverage = () => os.loadavg().map((value) => Math.round(value * 100) / 100);

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? 0) * 100) / 100;
}

/** A seeded generator, so every run asks for the same rows. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

async function measureScale(transactions: number, settings: z.infer<typeof schema>) {
  const shape: ChainShape = {
    channel: 'reads',
    transactions,
    txPerBlock: settings.BENCH_READS_TX_PER_BLOCK,
    accounts: settings.BENCH_READS_ACCOUNTS,
  };
  const postgres: BenchPostgres = settings.BENCH_READS_KEEP
    ? await keptPostgres(
        settings.BENCH_READS_KEEP,
        `reads-${transactions}`,
        settings.BENCH_READS_PORT,
      )
    : await startPostgres(`reads-${transactions}`, settings.BENCH_READS_PORT);
  try {
    let build = postgres.build;
    if (!build) {
      log(`${transactions} transactions: writing the synthetic ledger through the writer`);
      const started = process.hrtime.bigint();
      const lastBlock = await buildMirror(postgres.pool, shape, 100, (block) => {
        if (block % 2_000 === 0) log(`  block ${block}`);
      });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      build = { lastBlock, seconds, loadAverage: loadAverage() };
      postgres.built?.(build);
    } else {
      log(
        `${transactions} transactions: kept from a run before (written in ${build.seconds.toFixed(0)} s)`,
      );
    }
    const { lastBlock, seconds: buildSeconds } = build;
    await postgres.pool.query('ANALYZE');
    log(`written in ${buildSeconds.toFixed(0)} s; timing the routes`);
    const { rows } = await postgres.pool.query<{ count: string }>(
      `SELECT count(*) FROM world_state WHERE object_type = 'asset'`,
    );
    // ids of assets ever created run up to this (two transactions in five create one)
    const assets = Math.floor(transactions * 0.4);
    const db = mirrorDb(postgres.pool);
    const table = routes({ ...shape, lastBlock, assets, channel: shape.channel });
    const results: Record<string, { p50Ms: number; p95Ms: number; maxMs: number }> = {};
    for (const [name, route] of Object.entries(table)) {
      const pick = seeded(name.length * 7919 + transactions);
      for (let warm = 0; warm < 5; warm++) await route(db, pick);
      const samples: number[] = [];
      for (let sample = 0; sample < settings.BENCH_READS_SAMPLES; sample++) {
        const start = process.hrtime.bigint();
        await route(db, pick);
        samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      samples.sort((a, b) => a - b);
      results[name] = {
        p50Ms: percentile(samples, 50),
        p95Ms: percentile(samples, 95),
        maxMs: percentile(samples, 100),
      };
    }
    const maxP95Ms = Math.max(...Object.values(results).map((route) => route.p95Ms));
    return {
      transactions,
      blocks: lastBlock + 1,
      liveAssets: Number(rows[0]?.count ?? 0),
      buildSeconds: Math.round(buildSeconds),
      buildTxPerSec: Math.round(transactions / buildSeconds),
      buildLoadAverage: build.loadAverage,
      loadAverage: loadAverage(),
      maxP95Ms,
      routes: results,
    };
  } finally {
    await postgres.stop();
  }
}

async function main(): Promise<void> {
  const settings = loadConfig('reads benchmark', schema, {
    ...process.env,
    BENCH_READS_SCALES: process.env.BENCH_READS_SCALES || '10000,100000,1000000',
  });
  const scales = settings.BENCH_READS_SCALES.filter((n) => n <= settings.BENCH_READS_MAX_TX);
  const measured: Awaited<ReturnType<typeof measureScale>>[] = [];
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  for (const transactions of scales) {
    measured.push(await measureScale(transactions, settings));
    // written after each scale, so a long run's smaller scales are kept if it is stopped
    fs.writeFileSync(RESULTS, `${JSON.stringify({ scales: measured }, null, 2)}\n`);
  }
  const names = Object.keys(measured[0]?.routes ?? {});
  console.log('reads that scale: p95 in ms per route, one request at a time (target ≤ 50 ms)');
  console.table(
    Object.fromEntries(
      names.map((name) => [
        name,
        Object.fromEntries(
          measured.map((scale) => [`${scale.transactions} tx`, scale.routes[name]?.p95Ms]),
        ),
      ]),
    ),
  );
  console.table(
    measured.map(({ transactions, buildTxPerSec, buildSeconds, loadAverage, maxP95Ms }) => ({
      transactions,
      'written tx/s': buildTxPerSec,
      'written in s': buildSeconds,
      'load average': loadAverage.join(' '),
      'worst p95 ms': maxP95Ms,
    })),
  );
  console.log(`wrote ${path.relative(ROOT, RESULTS)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
