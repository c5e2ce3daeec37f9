// SPDX-License-Identifier: Apache-2.0
// `npm run bench -w dapp`: the same token-transfer workload three ways on a real local Fabric
// network: a direct fabric-gateway client, the DAPP in sync mode, and the DAPP in async mode
// (through Kafka). Prints a table and writes bench/results/dapp.json at the repository root.
// Without the Fabric binaries it says why and exits 1, writing nothing.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { createLogger } from '@consortia/common';
import { connectGateway, peerClient } from '@consortia/common/fabric';
import type { Gateway } from '@hyperledger/fabric-gateway';
import { firstPeer, HOST, orgTlsCaFile } from '@consortia/network';
import { testNetworkUnavailable } from '@consortia/network/testing';
import pg from 'pg';

import { readConfig } from '../src/config';
import type { SigningIdentity } from '../src/fabric/identity';
import { hashApiKey } from '../src/http/auth';
import { startService } from '../src/service';
import {
  CHAINCODE,
  issueClientIdentities,
  startDappNetwork,
  submitterFor,
} from '../test/support/fabric';
import { startPostgres, tempDir } from '../test/support/infra';

const TRANSFERS = Number(process.env.BENCH_TRANSFERS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const RECIPIENTS = 500;
const RESULTS = path.resolve(__dirname, '..', '..', 'bench', 'results', 'dapp.json');
const log = (message: string) => process.stderr.write(`  ${message}\n`);

interface RunResult {
  tps: number;
  p50: number;
  p95: number;
  p99: number;
  failed: number;
  seconds: number;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)] ?? 0);
}

function summarize(latenciesMs: number[], seconds: number, failed: number): RunResult {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    tps: Math.round((latenciesMs.length / seconds) * 10) / 10,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    failed,
    seconds: Math.round(seconds * 10) / 10,
  };
}

/** Lane i is one sender (one identity), so a sender's debits never race each other. */
async function runLanes(work: (lane: number, index: number) => Promise<void>): Promise<RunResult> {
  const perLane = Math.ceil(TRANSFERS / CONCURRENCY);
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, lane) => {
      for (let step = 0; step < perLane; step += 1) {
        const index = lane * perLane + step;
        if (index >= TRANSFERS) return;
        const begun = performance.now();
        try {
          await work(lane, index);
          latencies.push(performance.now() - begun);
        } catch (error) {
          failed += 1;
          if (failed <= 3) log(`transfer ${index} failed: ${String(error)}`);
        }
      }
    }),
  );
  return summarize(latencies, (performance.now() - started) / 1000, failed);
}

async function main(): Promise<number> {
  const unavailable = testNetworkUnavailable();
  if (unavailable) {
    process.stderr.write(
      `dapp bench: ${unavailable}, so there is no network to measure; no results written\n`,
    );
    return 1;
  }
  const dir = tempDir('bench');
  log('using the shared 2-org Fabric network with Kafka ordering');
  const network = await startDappNetwork(log);
  const database = await startPostgres(dir);
  const { topology, org } = network;
  const channel = topology.options.channel;
  try {
    log(`issuing ${CONCURRENCY} sender identities and funding them`);
    const senders = issueClientIdentities(topology, org, CONCURRENCY, path.join(dir, 'identities'));
    const funding = submitterFor(topology, org, senders);
    for (const sender of senders) {
      const account = String(
        await funding.evaluate({
          channel,
          chaincode: CHAINCODE,
          transactionName: 'TokenContract:ClientAccountID',
          args: [],
          transient: {},
          identity: sender.name,
        }),
      );
      await network.admin.submit({
        channel,
        chaincode: CHAINCODE,
        transactionName: 'TokenContract:Transfer',
        args: [account, '100000'],
        transient: {},
        requestId: crypto.randomUUID(),
      });
    }
    funding.close();
    const recipients = Array.from({ length: RECIPIENTS }, () =>
      crypto.randomBytes(32).toString('hex'),
    );
    const recipientFor = (index: number) => recipients[index % RECIPIENTS] ?? '';

    log('direct fabric-gateway client');
    const direct = await runDirect(topology, org, senders, channel, recipientFor);

    const key = await hashApiKey(
      'bench',
      undefined,
      senders.map((sender) => sender.name),
    );
    const env: NodeJS.ProcessEnv = {
      ...network.env,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.connectionString,
      DAPP_API_KEYS: key.entry,
      FABRIC_IDENTITIES: senders
        .map((sender) => `${sender.name}=${path.join(dir, 'identities', sender.name, 'msp')}`)
        .join(','),
      WORKER_CONCURRENCY: String(CONCURRENCY),
    };
    const service = await startService(
      readConfig(env),
      createLogger('dapp-bench', 'warn'),
      'serve',
    );
    const base = `http://127.0.0.1:${service.port}`;
    const post = async (lane: number, index: number, mode: 'sync' | 'async') => {
      const response = await fetch(
        `${base}/v1/channels/${channel}/chaincodes/${CHAINCODE}/transactions`,
        {
          method: 'POST',
          headers: {
            'x-api-key': key.key,
            'content-type': 'application/json',
            'x-fabric-identity': `bench${lane}`,
          },
          body: JSON.stringify({
            function: 'TokenContract:Transfer',
            args: [recipientFor(index), '0.01'],
            mode,
            key: `bench${lane}`,
            requestId: `${mode}-${index}-${crypto.randomUUID()}`,
          }),
        },
      );
      const expected = mode === 'sync' ? 200 : 202;
      if (response.status !== expected)
        throw new Error(`${response.status} ${await response.text()}`);
    };
    try {
      log('DAPP, sync mode');
      const dappSync = await runLanes((lane, index) => post(lane, index, 'sync'));
      log('DAPP, async mode (accept, then wait for every commit)');
      const dappAsync = await runAsync(database.connectionString, (lane, index) =>
        post(lane, index, 'async'),
      );
      const results = {
        workload: {
          transfers: TRANSFERS,
          concurrency: CONCURRENCY,
          senders: CONCURRENCY,
          recipients: RECIPIENTS,
        },
        direct,
        dappSync,
        dappAsync,
        ratios: {
          syncVsDirect: Math.round((dappSync.tps / direct.tps) * 100) / 100,
          asyncVsDirect: Math.round((dappAsync.tps / direct.tps) * 100) / 100,
        },
        measuredAt: new Date().toISOString(),
      };
      console.table({ direct, dappSync, dappAsync });
      console.log(
        `sync/direct ${results.ratios.syncVsDirect}, async/direct ${results.ratios.asyncVsDirect}`,
      );
      fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
      fs.writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
      log(`written ${RESULTS}`);
    } finally {
      await service.stop();
    }
    return 0;
  } finally {
    await database.stop();
    await network.stop();
  }
}

async function runDirect(
  topology: Parameters<typeof orgTlsCaFile>[0],
  org: Parameters<typeof orgTlsCaFile>[1],
  senders: SigningIdentity[],
  channel: string,
  recipientFor: (index: number) => string,
): Promise<RunResult> {
  const client = peerClient({
    address: `${HOST}:${firstPeer(org).port}`,
    tlsCaCertificate: fs.readFileSync(orgTlsCaFile(topology, org)),
  });
  const gateways: Gateway[] = senders.map((sender) => connectGateway(client, sender));
  try {
    return await runLanes(async (lane, index) => {
      const gateway = gateways[lane];
      if (!gateway) throw new Error(`no gateway for lane ${lane}`);
      const contract = gateway.getNetwork(channel).getContract(CHAINCODE);
      const proposal = contract.newProposal('TokenContract:Transfer', {
        arguments: [recipientFor(index), '0.01'],
        transientData: { requestId: `direct-${index}-${crypto.randomUUID()}` },
      });
      const transaction = await proposal.endorse();
      const status = await (await transaction.submit()).getStatus();
      if (!status.successful) throw new Error(`validation code ${status.code}`);
    });
  } finally {
    for (const gateway of gateways) gateway.close();
    client.close();
  }
}

/** Async throughput counts until the last request is committed, not until it is accepted. */
async function runAsync(
  connectionString: string,
  post: (lane: number, index: number) => Promise<void>,
): Promise<RunResult & { acceptTps: number }> {
  const started = performance.now();
  const startedAt = new Date();
  const accepted = await runLanes(post);
  const pool = new pg.Pool({ connectionString });
  try {
    for (;;) {
      const { rows } = await pool.query<{ unfinished: string }>(
        `SELECT count(*) AS unfinished FROM dapp_requests WHERE mode = 'async' AND created_at >= $1 AND status IN ('queued', 'submitted')`,
        [startedAt],
      );
      if (Number(rows[0]?.unfinished) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const seconds = (performance.now() - started) / 1000;
    const { rows } = await pool.query<{ latency: number; status: string }>(
      `SELECT extract(epoch FROM updated_at - created_at) * 1000 AS latency, status
         FROM dapp_requests WHERE mode = 'async' AND created_at >= $1`,
      [startedAt],
    );
    const committed = rows.filter((row) => row.status === 'committed');
    return {
      ...summarize(
        committed.map((row) => Number(row.latency)),
        seconds,
        rows.length - committed.length + accepted.failed,
      ),
      acceptTps: accepted.tps,
    };
  } finally {
    await pool.end();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `dapp bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
