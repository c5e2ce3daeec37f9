// SPDX-License-Identifier: Apache-2.0
// `npm run bench -w app-api`: one listing read two ways on the real stack, side by side in one
// run: the app-api's GET /v1/assets (authenticated, validated, from the Postgres mirror) and the
// equivalent chaincode query through the DAPP (AssetContract:QueryAssetsByOwner, evaluated on a
// peer). Both return the same page of assets. Prints a table and writes
// bench/results/app-api.json at the repository root. Without Fabric it says why and exits 1,
// writing nothing.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { testNetworkUnavailable } from '@consortia/network/testing';

import type { RealStack } from '../test/support/real-stack';
import { startRealStack } from '../test/support/real-stack';
import { call, login } from '../test/support/stack';

const ASSETS = Number(process.env.BENCH_ASSETS ?? 200);
const PAGE = Number(process.env.BENCH_PAGE_SIZE ?? 50);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 600);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = 2;
const RESULTS = path.resolve(__dirname, '..', '..', 'bench', 'results', 'app-api.json');
const ADMIN = { username: 'bench-admin', password: 'benchmark admin pass 2026' };
const log = (message: string) => process.stderr.write(`  ${message}\n`);

interface Measured {
  requests: number;
  seconds: number;
  reqPerSec: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

const round = (value: number, places = 2) => Math.round(value * 10 ** places) / 10 ** places;

function percentile(sorted: number[], fraction: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? 0;
}

function summarize(latencies: number[], seconds: number): Measured {
  const sorted = [...latencies].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return {
    requests: sorted.length,
    seconds: round(seconds),
    reqPerSec: round(sorted.length / seconds, 1),
    meanMs: round(mean),
    p50Ms: round(percentile(sorted, 0.5)),
    p95Ms: round(percentile(sorted, 0.95)),
    p99Ms: round(percentile(sorted, 0.99)),
  };
}

/** Runs `count` calls, `concurrency` at a time; every call must check its own answer. */
async function load(count: number, concurrency: number, read: () => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const begun = process.hrtime.bigint();
        await read();
        latencies.push(Number(process.hrtime.bigint() - begun) / 1e6);
      }
    }),
  );
  return { latencies, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function seed(stack: RealStack, token: string, owner: string): Promise<number> {
  let lastBlock = 0;
  let made = 0;
  await Promise.all(
    Array.from({ length: 25 }, async () => {
      while (made < ASSETS) {
        const index = made++;
        const answer = await call<{ blockNumber: number }>(stack.api.base, 'POST', '/v1/assets', {
          token,
          body: {
            id: `${owner}-${String(index).padStart(5, '0')}`,
            type: index % 2 === 0 ? 'container' : 'pallet',
            ownerId: owner,
            attributes: { serial: index, color: index % 3 === 0 ? 'red' : 'blue' },
          },
        });
        if (answer.status !== 201)
          throw new Error(`seeding answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        lastBlock = Math.max(lastBlock, answer.body.blockNumber);
      }
    }),
  );
  return lastBlock;
}

function table(rows: [string, Measured][]): string {
  const header = ['path', 'requests', 'req/s', 'mean ms', 'p50 ms', 'p95 ms', 'p99 ms'];
  const lines = rows.map(([name, m]) => [
    name,
    String(m.requests),
    String(m.reqPerSec),
    String(m.meanMs),
    String(m.p50Ms),
    String(m.p95Ms),
    String(m.p99Ms),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]?.length ?? 0)),
  );
  const format = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  return [
    format(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...lines.map(format),
  ].join('\n');
}

async function main(): Promise<number> {
  const unavailable = testNetworkUnavailable();
  if (unavailable) {
    process.stderr.write(
      `app-api benchmark needs a real Fabric network: ${unavailable}; no results written\n`,
    );
    return 1;
  }
  const stack = await startRealStack('bench', ADMIN, log);
  try {
    const { org, topology, chaincode } = stack.network;
    const admin = await login(stack.api.base, ADMIN.username, ADMIN.password);
    const owner = `bench-${crypto.randomBytes(3).toString('hex')}`;
    log(`seeding ${ASSETS} assets owned by ${org.mspId}/${owner} through the app-api and the DAPP`);
    const lastBlock = await seed(stack, admin.accessToken, owner);

    const mirrorRoute = `/v1/assets?ownerMsp=${org.mspId}&ownerId=${owner}&sort=id&limit=${PAGE}`;
    const caughtUp = await call(stack.api.base, 'GET', `${mirrorRoute}&minBlock=${lastBlock}`, {
      token: admin.accessToken,
    });
    if (caughtUp.status !== 200) throw new Error(`the mirror did not reach block ${lastBlock}`);
    const queryUrl = `${stack.dappBase}/v1/channels/${topology.options.channel}/chaincodes/${chaincode}/queries`;
    const queryBody = JSON.stringify({
      function: 'AssetContract:QueryAssetsByOwner',
      args: [org.mspId, owner, PAGE, ''],
    });
    const readMirror = async () => {
      const answer = await call<{ items: unknown[] }>(stack.api.base, 'GET', mirrorRoute, {
        token: admin.accessToken,
      });
      if (answer.status !== 200 || answer.body.items.length !== PAGE) {
        throw new Error(
          `mirror listing answered ${answer.status} with ${answer.body.items?.length} items`,
        );
      }
    };
    const readChaincode = async () => {
      const response = await fetch(queryUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': stack.dappKey },
        body: queryBody,
      });
      const body = (await response.json()) as { result?: { records?: unknown[] } };
      if (response.status !== 200 || body.result?.records?.length !== PAGE) {
        throw new Error(
          `chaincode query answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`,
        );
      }
    };

    log('warming up both paths');
    await load(30, CONCURRENCY, readMirror);
    await load(30, CONCURRENCY, readChaincode);
    // Alternating rounds, so that a colleague process loading the machine hits both alike.
    const mirror: number[] = [];
    const chaincodeQuery: number[] = [];
    let mirrorSeconds = 0;
    let chaincodeSeconds = 0;
    for (let index = 0; index < ROUNDS; index++) {
      log(
        `round ${index + 1}/${ROUNDS}: ${REQUESTS / ROUNDS} reads each, ${CONCURRENCY} at a time`,
      );
      const fromMirror = await load(REQUESTS / ROUNDS, CONCURRENCY, readMirror);
      mirror.push(...fromMirror.latencies);
      mirrorSeconds += fromMirror.seconds;
      const fromChaincode = await load(REQUESTS / ROUNDS, CONCURRENCY, readChaincode);
      chaincodeQuery.push(...fromChaincode.latencies);
      chaincodeSeconds += fromChaincode.seconds;
    }
    const results = {
      mirror: summarize(mirror, mirrorSeconds),
      chaincodeQuery: summarize(chaincodeQuery, chaincodeSeconds),
    };
    const output = {
      benchmark: 'app-api listing: mirror read vs chaincode query',
      generatedAt: new Date().toISOString(),
      workload: {
        assets: ASSETS,
        pageSize: PAGE,
        requestsPerPath: REQUESTS,
        concurrency: CONCURRENCY,
        mirrorRoute: 'GET /v1/assets?ownerMsp&ownerId&sort=id&limit (app-api, Postgres mirror)',
        chaincodeQuery: 'POST DAPP /queries AssetContract:QueryAssetsByOwner (peer, LevelDB)',
        network: `${topology.options.consensus}, ${topology.orgs.length} orgs x ${org.peers.length} peers`,
      },
      ...results,
      ratios: {
        // How many times faster the mirror read is: throughput at the same concurrency.
        mirrorVsChaincodeQuery: round(results.mirror.reqPerSec / results.chaincodeQuery.reqPerSec),
        p50LatencyChaincodeOverMirror: round(results.chaincodeQuery.p50Ms / results.mirror.p50Ms),
      },
    };
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
    process.stdout.write(
      `\napp-api listing of ${PAGE} assets (${ASSETS} owned), ${REQUESTS} reads per path, ${CONCURRENCY} concurrent\n\n` +
        `${table([
          ['mirror (app-api)', results.mirror],
          ['chaincode query (DAPP)', results.chaincodeQuery],
        ])}\n\n` +
        `mirror vs chaincode query: ${output.ratios.mirrorVsChaincodeQuery}x the throughput, ` +
        `${output.ratios.p50LatencyChaincodeOverMirror}x lower median latency\n` +
        `written to ${path.relative(process.cwd(), RESULTS)}\n`,
    );
    return 0;
  } finally {
    await stack.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
