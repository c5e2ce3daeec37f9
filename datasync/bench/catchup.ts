// SPDX-License-Identifier: Apache-2.0
/**
 * `npm run bench -w datasync`: on the shared local Fabric network, writes a ledger of at least
 * 10,000 transactions, times a catch-up from block 0 into an empty database, then measures the
 * live lag of newly committed blocks. Writes bench/results/datasync.json at the repository root.
 * Without Fabric it says why and exits 1 without writing results.
 */
import fs from 'node:fs';
import path from 'node:path';

import { connectGateway } from '@consortia/network/testing';

import { GatewayBlockSource } from '../src/source/gateway-source';
import { ChannelSync } from '../src/sync/channel-sync';
import { fabricUnavailable, gatewayOptions, testNetwork } from '../test/support/fabric';
import { checkpoint, quietLogger, startPostgres, waitUntil } from '../test/support/postgres';
import { generateTraffic } from '../test/support/traffic';

const ROOT = path.resolve(__dirname, '..', '..');
const RESULTS = path.join(ROOT, 'bench', 'results', 'datasync.json');
const LEDGER_TRANSACTIONS = 10_000;
const LIVE_SAMPLES = 200;

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

async function main(): Promise<number> {
  const unavailable = fabricUnavailable();
  if (unavailable) {
    console.error(
      `datasync bench: ${unavailable}; the benchmark needs a real network. No results written.`,
    );
    return 1;
  }
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
      written = await generateTraffic(connection.gateway, channel, LEDGER_TRANSACTIONS, 50, 100);
    } finally {
      connection.close();
    }
    const writeSeconds = Number(process.hrtime.bigint() - writeStart) / 1e9;
    const writeTxPerSec = written / writeSeconds;

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

    // live lag: time from a transaction's commit to its block being in the mirror
    const lags: number[] = [];
    const live = connectGateway(topology, org);
    try {
      const tokens = live.gateway.getNetwork(channel).getContract('consortia', 'AssetContract');
      for (let index = 0; index < LIVE_SAMPLES; index++) {
        const proposal = tokens.newProposal('CreateAsset', {
          arguments: [`live-${Date.now()}-${index}`, 'container', 'alice', '{}'],
        });
        const submitted = await (await proposal.endorse()).submit();
        const status = await submitted.getStatus();
        const committedAt = Date.now();
        const blockNumber = Number(status.blockNumber);
        await waitUntil(
          'live block',
          async () => (await checkpoint(postgres.pool, channel)) >= blockNumber,
          60_000,
        );
        lags.push((Date.now() - committedAt) / 1000);
      }
    } finally {
      live.close();
      await sync.stop();
      await source.close();
    }

    const result = {
      ledger: { blocks: height, transactions: mirroredTx },
      writeTxPerSec,
      catchup: {
        seconds: catchupSeconds,
        blocksPerSec: height / catchupSeconds,
        txPerSec: mirroredTx / catchupSeconds,
      },
      liveLag: {
        samples: lags.length,
        p50Sec: percentile(lags, 0.5),
        p95Sec: percentile(lags, 0.95),
      },
      ratios: { catchupVsWrite: mirroredTx / catchupSeconds / writeTxPerSec },
      measuredAt: new Date().toISOString(),
    };
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    console.table({
      'write tx/s': writeTxPerSec.toFixed(1),
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
