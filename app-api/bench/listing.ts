// SPDX-License-Identifier: Apache-2.0
// `npm run bench -w app-api`: one listing read two ways on the real stack, at fixed offered
// rates (open loop, @consortia/common/bench): the app-api's GET /v1/assets (authenticated,
// validated, from the Postgres mirror) and the equivalent chaincode query through the DAPP
// (AssetContract:QueryAssetsByOwner, evaluated on a peer). Both return the same page of assets.
// The app-api and the DAPP measured run as deployed, each a process of its own; the load
// generator runs in this one.
// Before measuring, the stack's fresh mirror catches up with the whole ledger. Prints a table
// and writes bench/results/app-api.json at the repository root. Without Fabric it says why and
// exits 1, writing nothing.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  ratio,
  ROUND_HEADER,
  type RoundResult,
  RequestFailure,
  roundRow,
  runRound,
  saturation,
  type Send,
  sustained,
} from '@consortia/common/bench';
import { formatTable } from '@consortia/network';
import { testNetworkUnavailable } from '@consortia/network/testing';

import type { RealStack } from '../test/support/real-stack';
import { startRealStack } from '../test/support/real-stack';
import { call, login } from '../test/support/stack';
import { waitForCatchUp } from './catch-up';
import { type BenchOptions, benchOptions } from './options';
import { type ServiceProcesses, startServiceProcesses } from './service-processes';

const RESULTS = path.resolve(__dirname, '..', '..', 'bench', 'results', 'app-api.json');
const ADMIN = { username: 'bench-admin', password: 'benchmark admin pass 2026' };
const PATHS = ['mirror', 'chaincodeQuery'] as const;
type ReadPath = (typeof PATHS)[number];
type Round = RoundResult & { path: ReadPath };
const log = (message: string) => process.stderr.write(`  ${message}\n`);

async function seed(stack: RealStack, token: string, owner: string, assets: number) {
  let lastBlock = 0;
  let made = 0;
  await Promise.all(
    Array.from({ length: 25 }, async () => {
      while (made < assets) {
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

/** The two readers; each checks its own answer, and a wrong one fails the request. */
function readers(
  stack: RealStack,
  services: ServiceProcesses,
  token: string,
  owner: string,
  page: number,
) {
  const { org, topology, chaincode } = stack.network;
  const mirrorRoute = `/v1/assets?ownerMsp=${org.mspId}&ownerId=${owner}&sort=id&limit=${page}`;
  const queryUrl = `${services.dappBase}/v1/channels/${topology.options.channel}/chaincodes/${chaincode}/queries`;
  const queryBody = JSON.stringify({
    function: 'AssetContract:QueryAssetsByOwner',
    args: [org.mspId, owner, page, ''],
  });
  const mirror: Send = async () => {
    const answer = await call<{ items?: unknown[] }>(services.apiBase, 'GET', mirrorRoute, {
      token,
    });
    if (answer.status !== 200) throw new RequestFailure(`HTTP_${answer.status}`);
    if (answer.body.items?.length !== page) throw new RequestFailure('SHORT_PAGE');
  };
  const chaincodeQuery: Send = async () => {
    const response = await fetch(queryUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': stack.dappKey },
      body: queryBody,
    });
    const body = (await response.json()) as { result?: { records?: unknown[] } };
    if (response.status !== 200) throw new RequestFailure(`HTTP_${response.status}`);
    if (body.result?.records?.length !== page) throw new RequestFailure('SHORT_PAGE');
  };
  return { mirror, chaincodeQuery, mirrorRoute };
}

/**
 * Rounds at each offered rate, the two paths alternating so that other load on the machine hits
 * both alike. A path that did not keep up at one rate is saturated: its higher rates are skipped.
 */
async function measure(options: BenchOptions, send: Record<ReadPath, Send>): Promise<Round[]> {
  const rounds: Round[] = [];
  const saturated = new Set<ReadPath>();
  for (const rate of options.rates) {
    for (const readPath of PATHS) {
      if (saturated.has(readPath)) continue;
      let shown = 0;
      const result = await runRound(
        send[readPath],
        { rateTps: rate, ...options.round },
        undefined,
        (error) => {
          if ((shown += 1) <= 3) log(`failed: ${error instanceof Error ? error.message : error}`);
        },
      );
      const round: Round = { path: readPath, ...result };
      rounds.push(round);
      log(roundRow(readPath, round).join('  '));
      if (!sustained(round)) saturated.add(readPath);
    }
  }
  return rounds;
}

function summarize(rounds: readonly Round[], options: BenchOptions) {
  const of = (readPath: ReadPath) => rounds.filter((round) => round.path === readPath);
  const mirror = saturation(of('mirror'));
  const chaincodeQuery = saturation(of('chaincodeQuery'));
  // Below the lowest offered rate a path has no saturation figure; its peak throughput stands in.
  const capacity = (s: typeof mirror) => (s.tps > 0 ? s.tps : s.peakTps);
  const lowest = (readPath: ReadPath) => of(readPath)[0]?.latency.p50Ms ?? 0;
  return {
    mirror: { ...mirror, p50MsAtLowestRate: lowest('mirror') },
    chaincodeQuery: { ...chaincodeQuery, p50MsAtLowestRate: lowest('chaincodeQuery') },
    ratios: {
      // Capacity of the mirror read over the chaincode query's, each at saturation.
      mirrorVsChaincodeQuery: ratio(capacity(mirror), capacity(chaincodeQuery)),
      p50LatencyChaincodeOverMirror: ratio(lowest('chaincodeQuery'), lowest('mirror')),
    },
    // When the mirror kept up at the highest offered rate, its ratio is a lower bound.
    mirrorSaturatedWithinRates: mirror.tps < Math.max(...options.rates),
  };
}

async function main(): Promise<number> {
  const unavailable = testNetworkUnavailable();
  if (unavailable) {
    process.stderr.write(
      `app-api benchmark needs a real Fabric network: ${unavailable}; no results written\n`,
    );
    return 1;
  }
  const options = benchOptions();
  const stack = await startRealStack('bench', ADMIN, log);
  const stops: (() => Promise<void>)[] = [];
  try {
    const { org, topology } = stack.network;
    const admin = await login(stack.api.base, ADMIN.username, ADMIN.password);
    const owner = `bench-${crypto.randomBytes(3).toString('hex')}`;
    log(`seeding ${options.assets} assets owned by ${org.mspId}/${owner} through the app-api`);
    const lastBlock = await seed(stack, admin.accessToken, owner, options.assets);
    const catchUp = await waitForCatchUp({
      target: lastBlock,
      applied: async () => (await stack.api.service.mirror.freshness()).syncedBlock,
      ...options.catchUp,
      log,
    });
    log('starting the app-api and the DAPP measured, each a process of its own');
    const services = await startServiceProcesses(stack);
    stops.push(() => services.stop());
    const send = readers(stack, services, admin.accessToken, owner, options.pageSize);
    log('warming up both paths');
    for (const readPath of PATHS) {
      for (let index = 0; index < 20; index++)
        await send[readPath]({ index, slot: 0, scheduledAt: 0 });
    }
    log(`rounds at ${options.rates.join(', ')} reads/s, ${options.round.durationSec} s each`);
    const rounds = await measure(options, send);
    const summary = summarize(rounds, options);
    const output = {
      benchmark: 'app-api listing: mirror read vs chaincode query, open loop',
      generatedAt: new Date().toISOString(),
      conditions: {
        assets: options.assets,
        pageSize: options.pageSize,
        rates: options.rates,
        ...options.round,
        cpus: os.cpus().length,
        saturation: 'highest offered rate with throughput >= 0.95x offered and p95 < 2 s',
        mirrorRoute: `GET ${send.mirrorRoute.replace(/=[^&]*/g, '')} (app-api, Postgres mirror)`,
        chaincodeQuery: 'POST DAPP /queries AssetContract:QueryAssetsByOwner (peer, LevelDB)',
        network: `${topology.options.consensus}, ${topology.orgs.length} orgs x ${org.peers.length} peers`,
        mirrorCatchUp: {
          blocks: catchUp.blocks,
          seconds: Math.round(catchUp.seconds * 10) / 10,
          blocksPerSec: Math.round(catchUp.blocksPerSec * 10) / 10,
        },
      },
      ...summary,
      rounds,
    };
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
    process.stdout.write(
      `\napp-api listing of ${options.pageSize} assets (${options.assets} owned), open loop\n\n` +
        `${formatTable(
          ROUND_HEADER,
          rounds.map((round) => roundRow(round.path, round)),
        )}\n\n` +
        `saturation: mirror ${summary.mirror.tps} reads/s, chaincode query ` +
        `${summary.chaincodeQuery.tps} reads/s; mirror vs chaincode query ` +
        `${summary.ratios.mirrorVsChaincodeQuery}x` +
        `${summary.mirrorSaturatedWithinRates ? '' : ' (at least: the mirror kept up at every offered rate)'}\n` +
        `written to ${path.relative(process.cwd(), RESULTS)}\n`,
    );
    return 0;
  } finally {
    for (const stop of stops) await stop();
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
