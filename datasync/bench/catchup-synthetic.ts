// SPDX-License-Identifier: Apache-2.0
/**
 * `npm run bench:catchup -w datasync`: CATCH-UP FROM BLOCK 0 without a Fabric network. The
 * synthetic ledger of ./reads-chain is generated and serialized first (not timed), then an
 * empty embedded Postgres catches up through datasync's ChannelSync and writer, each block
 * deserialized from its bytes as a peer's stream delivers it. Reports tx/s, the CPU per
 * transaction of datasync and of Postgres (all its processes), and the load average, since the
 * machine may be shared. Writes bench/results/datasync-catchup.json at the repository root.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { env, loadConfig } from '@consortia/common';
import { ProcessMonitor } from '@consortia/common/bench';
import { common } from '@hyperledger/fabric-protos';
import { z } from 'zod';

import type { BlockSource, SourcedBlock } from '../src/source/block-source';
import { ChannelSync } from '../src/sync/channel-sync';
import { checkpoint, quietLogger, startPostgres, waitUntil } from '../test/support/postgres';
import { syntheticChain } from './reads-chain';

const ROOT = path.resolve(__dirname, '..', '..');
const RESULTS = path.join(ROOT, 'bench', 'results', 'datasync-catchup.json');

const schema = z.object({
  BENCH_CATCHUP_TX: env.positiveInt(50_000),
  BENCH_CATCHUP_TX_PER_BLOCK: env.positiveInt(50),
  BENCH_CATCHUP_PORT: env.positiveInt(31_560),
});

/** Serialized blocks replayed as a peer streams them: deserialized one at a time. */
class SerializedSource implements BlockSource {
  constructor(private readonly chain: Uint8Array[]) {}

  async height(): Promise<number> {
    return this.chain.length;
  }

  async *blocks(_channel: string, start: number, signal: AbortSignal) {
    for (let number = start; number < this.chain.length && !signal.aborted; number++) {
      const bytes = this.chain[number];
      if (bytes) yield { block: common.Block.deserializeBinary(bytes) } satisfies SourcedBlock;
    }
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const load = () => os.loadavg().map((value) => Math.round(value * 100) / 100);

async function main(): Promise<void> {
  const settings = loadConfig('catch-up benchmark', schema, process.env);
  const shape = {
    channel: 'catchup',
    transactions: settings.BENCH_CATCHUP_TX,
    txPerBlock: settings.BENCH_CATCHUP_TX_PER_BLOCK,
    accounts: 10_000,
  };
  const chain = [...syntheticChain(shape)].map((block) => block.serializeBinary());
  const postgres = await startPostgres('catchup', settings.BENCH_CATCHUP_PORT);
  try {
    const postmaster = Number(
      fs.readFileSync(path.join(postgres.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    const monitor = new ProcessMonitor(
      [
        { name: 'datasync', pid: process.pid },
        { name: 'postgres', pid: postmaster, withChildren: true },
        // memory is not reported: sampling walks all of /proc, a cost of its own on a busy machine
      ],
      { sampleMs: 3_600_000 },
    );
    const loadBefore = load();
    const sync = new ChannelSync({
      channel: shape.channel,
      source: new SerializedSource(chain),
      pool: postgres.pool,
      logger: quietLogger(),
    });
    monitor.start();
    const started = process.hrtime.bigint();
    sync.start();
    await waitUntil(
      'the catch-up',
      async () => (await checkpoint(postgres.pool, shape.channel)) >= chain.length - 1,
      3_600_000,
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const usage = monitor.stop();
    await sync.stop();
    const cpuMsPerTx = Object.fromEntries(
      usage.map((process) => [
        process.name,
        Math.round((process.cpuSec * 1e5) / shape.transactions) / 100,
      ]),
    );
    const result = {
      source: 'synthetic ledger (bench/reads-chain.ts), blocks deserialized from bytes',
      blocks: chain.length,
      transactions: shape.transactions,
      seconds: Math.round(seconds * 100) / 100,
      txPerSec: Math.round(shape.transactions / seconds),
      cpuMsPerTx,
      processes: usage,
      loadAverage: { before: loadBefore, after: load() },
      niceness: os.getPriority(),
      measuredAt: new Date().toISOString(),
    };
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    console.table({
      transactions: result.transactions,
      'catch-up tx/s': result.txPerSec,
      'datasync CPU ms/tx': cpuMsPerTx.datasync,
      'postgres CPU ms/tx': cpuMsPerTx.postgres,
      'load average (1 min) before/after': `${loadBefore[0]} / ${result.loadAverage.after[0]}`,
    });
    console.log(`wrote ${path.relative(ROOT, RESULTS)}`);
  } finally {
    await postgres.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
