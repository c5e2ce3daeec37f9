// SPDX-License-Identifier: Apache-2.0
// The DAPP benchmark's settings, from BENCH_* environment variables.
import { env } from '@consortia/common';
import { z } from 'zod';

export const MODES = ['direct', 'sync', 'async'] as const;
export type Mode = (typeof MODES)[number];
export const WORKLOADS = ['transfer', 'asset'] as const;
export type Workload = (typeof WORKLOADS)[number];

const rateList = (value: string): number[] => value.split(',').map((item) => Number(item.trim()));

const rates = z
  .string()
  .default('25,50,75,100,150')
  .transform(rateList)
  .refine((items) => items.length > 0 && items.every((rate) => rate > 0), {
    message: 'expected offered rates in tx/s, e.g. 25,50,100',
  });

// Empty (`BENCH_ACCEPT_RATES=`) skips the accept rounds.
const acceptRates = z
  .string()
  .default('250,500,1000,1500,2000')
  .transform((value) => (value.trim() === '' ? [] : rateList(value)))
  .refine((items) => items.every((rate) => rate > 0), {
    message: 'expected offered rates in requests/s, e.g. 500,1000, or nothing to skip them',
  });

const subset = <T extends string>(all: readonly [T, ...T[]]) =>
  env
    .list()
    .refine((items) => items.every((item) => (all as readonly string[]).includes(item)), {
      message: `expected some of ${all.join(', ')}`,
    })
    .transform((items) => (items.length === 0 ? [...all] : (items as T[])));

const schema = z.object({
  BENCH_RATES: rates,
  BENCH_ROUND_SEC: env.positiveInt(30),
  BENCH_WARMUP_SEC: z.coerce.number().int().min(0).default(5),
  // Stragglers of a round are awaited this long before they count as TIMEOUT.
  BENCH_DRAIN_SEC: env.positiveInt(30),
  // Also the number of token accounts: one request in flight per account at a time.
  BENCH_MAX_IN_FLIGHT: env.positiveInt(300),
  BENCH_MODES: subset(MODES),
  BENCH_WORKLOADS: subset(WORKLOADS),
  // The async front door alone: requests accepted (202) per second, nothing consumed.
  BENCH_ACCEPT_RATES: acceptRates,
  BENCH_ACCEPT_SEC: env.positiveInt(10),
});

export interface BenchOptions {
  rates: number[];
  roundSec: number;
  warmupSec: number;
  drainSec: number;
  maxInFlight: number;
  modes: Mode[];
  workloads: Workload[];
  acceptRates: number[];
  acceptSec: number;
}

export function benchOptions(source: NodeJS.ProcessEnv = process.env): BenchOptions {
  const parsed = schema.parse(source);
  return {
    rates: parsed.BENCH_RATES,
    roundSec: parsed.BENCH_ROUND_SEC,
    warmupSec: parsed.BENCH_WARMUP_SEC,
    drainSec: parsed.BENCH_DRAIN_SEC,
    maxInFlight: parsed.BENCH_MAX_IN_FLIGHT,
    modes: parsed.BENCH_MODES,
    workloads: parsed.BENCH_WORKLOADS,
    // The front door measured is the async one.
    acceptRates: parsed.BENCH_MODES.includes('async') ? parsed.BENCH_ACCEPT_RATES : [],
    acceptSec: parsed.BENCH_ACCEPT_SEC,
  };
}
