// SPDX-License-Identifier: Apache-2.0
/**
 * `npm run bench -w datasync`: on the shared local Fabric network, writes a ledger of at least
 * BENCH_LEDGER_TX transactions, times a catch-up from block 0 into an empty database, then,
 * with the mirror following live, offers asset creations at fixed rates (open loop,
 * @consortia/common/bench): each round gives the write throughput at commit and the live lag
 * from each commit to its block in the mirror. Writes bench/results/datasync.json at the
 * repository root. Without Fabric it says why and exits 1 without writing results.
 */
import fs from 'node:fs';
import path from 'node:path';

import {
  LatencyRecorder,
  ratio,
  roundRow,
  runRound,
  saturation,
  sustained,
} from '@consortia/common/bench';
import { connectGateway } from '@consortia/network/testing';

import { GatewayBlockSource } from '../src/source/gateway-source';
import { ChannelSync } from '../src/sync/channel-sync';
import { fabricUnavailable, gatewayOptions, testNetwork } from '../test/support/fabric';
import { checkpoint, quietLogger, startPostgres, waitUntil } from '../test/support/postgres';
import { generateTraffic } from '../test/support/traffic';
import { CheckpointWatch, creationSender } from './live';
import { benchOptions } from './options';

const ROOT = path.resolve(__dirname, '..', '..');
const RESULTS = path.join(ROOT, 'bench', 'results', 'datasync.json');
const log = (message: string) => process.stderr.write(`  ${message}\n`);

async function main(): Promise<number> {
  const unavailable = fabricUnavailable();
  if (unavailable) {
    console.error(
      `datasync bench: ${unavailable}; the benchmark needs a real network. No results written.`,
    );
    return 1;
  }
  const options = benchOptions();
  const topology = await testNetwork();
  const channel = topology.options.channel;
  const [org] = topology.orgs;
  if (!org) throw new Error('the network has no organization');
  const postgres = await startPostgres('bench', 33400);
  try {
    const connection = connectGateway(topology, org);
    const writeStart = process.hrtime.bigint();
    let written: number;
    try {
      // asset creations commit concurrently; one sender's transfers must go one at a time
      written = await generateTraffic(
        connection.gateway,
        channel,
        options.ledgerTransactions,
        50,
        100,
      );
    } finally {
      connection.close();
    }
    const fillTxPerSec = written / (Number(process.hrtime.bigint() - writeStart) / 1e9);

    const source = new GatewayBlockSource(gatewayOptions(topology, org));
    const height = await source.height(channel);
    const sync = new ChannelSync({ channel, source, pool: postgres.pool, logger: quietLogger() });
    const catchupStart = process.hrtime.bigint();
    sync.start();
    await waitUntil(
      'catch-up',
      async () => (await checkpoint(postgres.pool, channel)) >= height - 1,
      3_600_000,
    );
    const catchupSeconds = Number(process.hrtime.bigint() - catchupStart) / 1e9;
    const { rows } = await postgres.pool.query<{ count: string }>(
      'SELECT count(*) FROM transactions WHERE channel = $1',
      [channel],
    );
    const mirroredTx = Number(rows[0]?.count ?? 0);

    // Live: open-loop write rounds while the mirror follows; lag from commit to mirrored block.
    const watch = new CheckpointWatch(() => checkpoint(postgres.pool, channel));
    watch.start();
    const live = connectGateway(topology, org);
    const rounds = [];
    try {
      const assets = live.gateway.getNetwork(channel).getContract('consortia', 'AssetContract');
      const tag = Date.now().toString(36);
      for (const rate of options.rates) {
        const lags = new LatencyRecorder();
        const pending: Promise<void>[] = [];
        let shown = 0;
        const result = await runRound(
          creationSender(assets, `${tag}-${rate}`, watch, lags, pending),
          { rateTps: rate, ...options.round },
          undefined,
          (error) => {
            if ((shown += 1) <= 3) log(`failed: ${error instanceof Error ? error.message : error}`);
          },
        );
        await Promise.race([
          Promise.all(pending),
          new Promise((resolve) => setTimeout(resolve, 60_000).unref()),
        ]);
        const round = { ...result, liveLag: lags.summary() };
        rounds.push(round);
        log(`${roundRow('write', round).join('  ')}  lag p95 ${round.liveLag.p95Ms} ms`);
        // Past saturation the queue only grows: higher rates say nothing more.
        if (!sustained(round)) break;
      }
    } finally {
      watch.stop();
      live.close();
      await sync.stop();
      await source.close();
    }

    const writes = saturation(rounds);
    // Live lag at the saturation rate (the highest sustained round), else at the lowest rate.
    const atSaturation = rounds.find((round) => round.offeredTps === writes.tps) ?? rounds[0];
    const writeTxPerSec = writes.tps > 0 ? writes.tps : writes.peakTps;
    const lag = atSaturation?.liveLag;
    const catchupTxPerSec = mirroredTx / catchupSeconds;
    const result = {
      conditions: {
        rates: options.rates,
        ...options.round,
        saturation: 'highest offered rate with throughput >= 0.95x offered and p95 < 2 s',
        liveLag: 'commit (client saw the status) to the mirror checkpoint covering the block',
      },
      ledger: { blocks: height, transactions: mirroredTx, fillTxPerSec: fillTxPerSec },
      writeTxPerSec,
      writeSaturation: writes,
      catchup: {
        seconds: catchupSeconds,
        blocksPerSec: height / catchupSeconds,
        txPerSec: catchupTxPerSec,
      },
      liveLag: {
        atOfferedTps: atSaturation?.offeredTps ?? 0,
        samples: lag?.count ?? 0,
        p50Sec: (lag?.p50Ms ?? 0) / 1000,
        p95Sec: (lag?.p95Ms ?? 0) / 1000,
        p99Sec: (lag?.p99Ms ?? 0) / 1000,
      },
      ratios: { catchupVsWrite: ratio(catchupTxPerSec, writeTxPerSec) },
      rounds,
      measuredAt: new Date().toISOString(),
    };
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    console.table({
      'write saturation tx/s': writeTxPerSec.toFixed(1),
      'catch-up blocks/s': result.catchup.blocksPerSec.toFixed(1),
      'catch-up tx/s': result.catchup.txPerSec.toFixed(1),
      'live lag p50 s': result.liveLag.p50Sec.toFixed(3),
      'live lag p95 s': result.liveLag.p95Sec.toFixed(3),
    });
    console.log(`results written to ${path.relative(ROOT, RESULTS)}`);
    return 0;
  } finally {
    await postgres.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
