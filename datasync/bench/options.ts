// SPDX-License-Identifier: Apache-2.0
// The datasync benchmark's settings, from BENCH_* environment variables.
import { env, loadConfig } from '@consortia/common';
import type { RoundOptions } from '@consortia/common/bench';
import { z } from 'zod';

const schema = z.object({
  // Transactions written before the catch-up is timed (closed loop, 50 at a time).
  BENCH_LEDGER_TX: env.positiveInt(10_000),
  // Offered write rates (tx/s) of the open-loop rounds that measure write saturation and live lag.
  BENCH_WRITE_RATES: env
    .list()
    .transform((items) => items.map(Number))
    .refine((rates) => rates.length > 0 && rates.every((rate) => rate > 0), {
      message: 'expected offered rates in tx/s, e.g. 25,50,100',
    }),
  BENCH_ROUND_SEC: env.positiveInt(20),
  BENCH_WARMUP_SEC: z.coerce.number().int().min(0).default(3),
  BENCH_DRAIN_SEC: env.positiveInt(30),
  BENCH_MAX_IN_FLIGHT: env.positiveInt(300),
});

export interface DatasyncBenchOptions {
  ledgerTransactions: number;
  rates: number[];
  /** Every round's settings but its rate. */
  round: Omit<RoundOptions, 'rateTps'>;
}

const DEFAULT_RATES = '25,50,100,150';

export function benchOptions(source: NodeJS.ProcessEnv = process.env): DatasyncBenchOptions {
  const parsed = loadConfig('datasync benchmark', schema, {
    ...source,
    BENCH_WRITE_RATES: source.BENCH_WRITE_RATES || DEFAULT_RATES,
  });
  return {
    ledgerTransactions: parsed.BENCH_LEDGER_TX,
    rates: parsed.BENCH_WRITE_RATES,
    round: {
      durationSec: parsed.BENCH_ROUND_SEC,
      warmupSec: parsed.BENCH_WARMUP_SEC,
      drainSec: parsed.BENCH_DRAIN_SEC,
      maxInFlight: parsed.BENCH_MAX_IN_FLIGHT,
    },
  };
}
