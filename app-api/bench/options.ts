// SPDX-License-Identifier: Apache-2.0
// The app-api benchmarks' settings, from BENCH_* environment variables.
import { env, loadConfig } from '@consortia/common';
import type { RoundOptions } from '@consortia/common/bench';
import { z } from 'zod';

/** Comma-separated offered rates in requests per second, each positive. */
const offeredRates = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text) =>
      text
        .split(',')
        .filter((item) => item.trim() !== '')
        .map(Number),
    )
    .refine((list) => list.length > 0 && list.every((value) => value > 0), {
      message: 'expected offered rates in requests/s, e.g. 50,100,200',
    });

const schema = z.object({
  BENCH_ASSETS: env.positiveInt(200),
  BENCH_PAGE_SIZE: env.positiveInt(50),
  BENCH_LISTING_RATES: offeredRates('25,50,100,200,300,400'),
  BENCH_ROUND_SEC: env.positiveInt(20),
  BENCH_WARMUP_SEC: z.coerce.number().int().min(0).default(3),
  BENCH_DRAIN_SEC: env.positiveInt(10),
  BENCH_MAX_IN_FLIGHT: env.positiveInt(64),
  // A fresh mirror catches up with the whole ledger first: it fails when no block was applied
  // for the stall time, or when the whole wait passes the bound.
  BENCH_CATCHUP_STALL_SEC: env.positiveInt(120),
  BENCH_CATCHUP_TIMEOUT_SEC: env.positiveInt(3_600),
});

export interface BenchOptions {
  assets: number;
  pageSize: number;
  rates: number[];
  /** Every round's settings but its rate. */
  round: Omit<RoundOptions, 'rateTps'>;
  catchUp: { stallSec: number; maxSec: number };
}

export function benchOptions(source: NodeJS.ProcessEnv = process.env): BenchOptions {
  const parsed = loadConfig('app-api benchmark', schema, source);
  return {
    assets: parsed.BENCH_ASSETS,
    pageSize: parsed.BENCH_PAGE_SIZE,
    rates: parsed.BENCH_LISTING_RATES,
    round: {
      durationSec: parsed.BENCH_ROUND_SEC,
      warmupSec: parsed.BENCH_WARMUP_SEC,
      drainSec: parsed.BENCH_DRAIN_SEC,
      maxInFlight: parsed.BENCH_MAX_IN_FLIGHT,
    },
    catchUp: { stallSec: parsed.BENCH_CATCHUP_STALL_SEC, maxSec: parsed.BENCH_CATCHUP_TIMEOUT_SEC },
  };
}
