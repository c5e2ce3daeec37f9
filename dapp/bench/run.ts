// SPDX-License-Identifier: Apache-2.0
// `npm run bench -w dapp`: an open-loop benchmark on the shared local Fabric network. Each
// workload (token transfers, asset creation) runs in each mode (a direct fabric-gateway
// client, the DAPP sync, the DAPP async through Kafka) in rounds at rising offered rates;
// every round reports its throughput at commit, latency percentiles, failures by reason and
// each process's CPU and peak memory. The DAPP runs as deployed, a process of its own (its
// built entry point), so its CPU is its own and not the load generator's. Writes
// bench/results/dapp.json and SVG charts beside it. Without the Fabric binaries it says why
// and exits 1, writing nothing.
import fs from 'node:fs';
import path from 'node:path';

import {
  ProcessMonitor,
  roundRow,
  runRound,
  type Send,
  type WatchedProcess,
} from '@consortia/common/bench';
import { connectGateway, peerClient } from '@consortia/common/fabric';
import {
  type ServiceProcess,
  startServiceProcess,
  stopWithSignal,
} from '@consortia/common/testing';
import { firstPeer, HOST, listPidRecords, orgTlsCaFile, TLS_HOST_NAME } from '@consortia/network';
import { testNetworkUnavailable } from '@consortia/network/testing';
import pg from 'pg';

import { hashApiKey } from '../src/http/auth';
import { type DappNetwork, startDappNetwork } from '../test/support/fabric';
import { startPostgres, tempDir } from '../test/support/infra';
import { type Accounts, prepareAccounts } from './accounts';
import { benchOptions, type BenchOptions } from './options';
import {
  type AcceptRound,
  BENCH_PROCESS,
  DAPP_PROCESS,
  type MeasuredRound,
  type Round,
  RESULTS,
  writeResults,
} from './report';
import {
  AsyncCommits,
  dappAnsweredSender,
  dappAsyncSender,
  type DappTarget,
  directSender,
  primeDapp,
  workloadCall,
} from './senders';

const log = (message: string) => process.stderr.write(`  ${message}\n`);

/** The DAPP's built entry point, as its container image runs it. */
const DAPP_ENTRY = path.resolve(__dirname, '..', 'dist', 'index.js');

function watchedProcesses(
  network: DappNetwork,
  postgresDataDir: string,
  dapp: ServiceProcess,
): WatchedProcess[] {
  const watched: WatchedProcess[] = listPidRecords(network.topology.paths.run).map((record) => ({
    name: record.name,
    pid: record.pid,
  }));
  const postmaster = Number(
    fs.readFileSync(path.join(postgresDataDir, 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  if (postmaster > 0)
    watched.push({ name: 'postgres (DAPP store)', pid: postmaster, withChildren: true });
  if (dapp.child.pid !== undefined) watched.push({ name: DAPP_PROCESS, pid: dapp.child.pid });
  watched.push({ name: BENCH_PROCESS, pid: process.pid });
  return watched;
}

/**
 * Rounds at each offered rate, CPU and memory measured over each round's measured window. The
 * processes are looked up again each round: a node restarted meanwhile has a new pid.
 */
async function measure(
  options: BenchOptions,
  watched: () => WatchedProcess[],
  send: (rate: number) => Send,
  label: string,
): Promise<MeasuredRound[]> {
  const rounds: MeasuredRound[] = [];
  for (const rate of options.rates) {
    const monitor = new ProcessMonitor(watched());
    const windowStart = setTimeout(() => monitor.start(), options.warmupSec * 1000);
    let shown = 0;
    const result = await runRound(
      send(rate),
      {
        rateTps: rate,
        warmupSec: options.warmupSec,
        durationSec: options.roundSec,
        maxInFlight: options.maxInFlight,
        drainSec: options.drainSec,
      },
      undefined,
      // The first few failures of a round in full; the rest are counted by reason.
      (error) => {
        if ((shown += 1) <= 3)
          log(`failed: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    clearTimeout(windowStart);
    const round: MeasuredRound = { ...result, processes: monitor.stop() };
    rounds.push(round);
    log(roundRow(label, round).join('  '));
  }
  return rounds;
}

async function startDapp(
  network: DappNetwork,
  accounts: Accounts,
  databaseUrl: string,
  dir: string,
  maxInFlight: number,
  extraEnv: Record<string, string> = {},
): Promise<{ service: ServiceProcess; target: Omit<DappTarget, 'channel'> }> {
  const names = accounts.senders.map((sender) => sender.name);
  const key = await hashApiKey('bench', undefined, names);
  const { service, base } = await startServiceProcess(
    DAPP_ENTRY,
    ['serve'],
    {
      ...network.env,
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      DAPP_API_KEYS: key.entry,
      FABRIC_IDENTITIES: names
        .map((name) => `${name}=${path.join(dir, 'identities', name, 'msp')}`)
        .join(','),
      WORKER_CONCURRENCY: String(maxInFlight),
      ...extraEnv,
    },
    'the DAPP',
  );
  return { service, target: { base, apiKey: key.key } };
}

/**
 * The async front door alone: a DAPP of its own (its own database, a topic nothing consumes, no
 * worker) takes requests at rising offered rates, each counted at its 202. Its requests never
 * reach the ledger, so they do not disturb the rounds measured before.
 */
async function measureAccept(
  options: BenchOptions,
  network: DappNetwork,
  accounts: Accounts,
  database: { connectionString: string },
  dir: string,
  tag: string,
): Promise<AcceptRound[]> {
  const url = new URL(database.connectionString);
  const admin = new pg.Client({ connectionString: database.connectionString });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE bench_accept_${tag}`);
  } finally {
    await admin.end();
  }
  url.pathname = `/bench_accept_${tag}`;
  const dapp = await startDapp(network, accounts, url.toString(), dir, options.maxInFlight, {
    DAPP_IN_PROCESS_WORKER: 'false',
    KAFKA_TOPIC: `bench.accept.${tag}`,
    KAFKA_GROUP_ID: `bench-accept-${tag}`,
  });
  try {
    const target: DappTarget = { ...dapp.target, channel: network.topology.options.channel };
    await primeDapp(
      target,
      accounts.senders.map((sender) => sender.name),
    );
    const watched = () => watchedProcesses(network, path.join(dir, 'dapp-postgres'), dapp.service);
    const call = workloadCall('transfer', accounts, `${tag}-accept`);
    log(`async accept: rounds at ${options.acceptRates.join(', ')} requests/s`);
    return await measure(
      { ...options, rates: options.acceptRates, roundSec: options.acceptSec, warmupSec: 2 },
      watched,
      () => dappAnsweredSender(target, 'async', call),
      'async accept',
    );
  } finally {
    await stopWithSignal(dapp.service, 'SIGTERM', 60_000).catch((error: unknown) => {
      log(`the accepting DAPP did not stop: ${String(error)}`);
    });
  }
}

async function main(): Promise<number> {
  const unavailable = testNetworkUnavailable();
  if (unavailable) {
    process.stderr.write(
      `dapp bench: ${unavailable}, so there is no network to measure; no results written\n`,
    );
    return 1;
  }
  const options = benchOptions();
  const dir = tempDir('bench');
  log('using the shared 2-org Fabric network with Kafka ordering');
  const network = await startDappNetwork(log);
  const database = await startPostgres(dir);
  const { topology, org } = network;
  const channel = topology.options.channel;
  const closers: (() => Promise<void> | void)[] = [];
  try {
    log(`issuing ${options.maxInFlight} sender identities`);
    const accounts = await prepareAccounts(
      network,
      options.maxInFlight,
      dir,
      options.workloads.includes('transfer'),
      log,
    );
    const client = peerClient({
      address: `${HOST}:${firstPeer(org).port}`,
      tlsCaCertificate: fs.readFileSync(orgTlsCaFile(topology, org)),
      tlsServerName: TLS_HOST_NAME,
    });
    const gateways = accounts.senders.map((sender) => connectGateway(client, sender));
    closers.push(() => {
      for (const gateway of gateways) gateway.close();
      client.close();
    });
    const dapp = await startDapp(
      network,
      accounts,
      database.connectionString,
      dir,
      options.maxInFlight,
    );
    closers.push(() =>
      stopWithSignal(dapp.service, 'SIGTERM', 60_000).then(
        () => undefined,
        (error: unknown) => {
          log(`the DAPP did not stop: ${String(error)}`);
        },
      ),
    );
    const watched = () => watchedProcesses(network, path.join(dir, 'dapp-postgres'), dapp.service);
    const commits = new AsyncCommits(database.connectionString);
    closers.push(() => commits.close());
    const target: DappTarget = { ...dapp.target, channel };
    if (options.modes.some((mode) => mode !== 'direct')) {
      log('priming the DAPP: one query as each sender identity');
      await primeDapp(
        target,
        accounts.senders.map((sender) => sender.name),
      );
    }
    const tag = Date.now().toString(36);

    const rounds: Round[] = [];
    for (const workload of options.workloads) {
      for (const mode of options.modes) {
        log(`${workload}, ${mode}: rounds at ${options.rates.join(', ')} tx/s`);
        const sender = (rate: number): Send => {
          const call = workloadCall(workload, accounts, `${tag}-${mode}-${rate}`);
          if (mode === 'direct') return directSender(gateways, channel, call);
          if (mode === 'sync') return dappAnsweredSender(target, 'sync', call);
          return dappAsyncSender(target, commits, call);
        };
        const measured = await measure(options, watched, sender, `${workload} ${mode}`);
        rounds.push(...measured.map((round): Round => ({ workload, mode, ...round })));
      }
    }
    const acceptRounds =
      options.acceptRates.length > 0
        ? await measureAccept(options, network, accounts, database, dir, tag)
        : [];
    console.log(await writeResults(rounds, acceptRounds, options));
    log(`written ${RESULTS} and its charts`);
    return 0;
  } finally {
    for (const close of closers.reverse()) await close();
    await database.stop();
    await network.stop();
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
