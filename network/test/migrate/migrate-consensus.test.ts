// SPDX-License-Identifier: Apache-2.0
/**
 * The Kafka to Raft migration on a real network of its own, under continuous traffic through the
 * network's own DAPP, with datasync mirroring and the explorer running
 * (`npm run test:migrate -w network`; minutes, so outside `npm test`). The migration is run as
 * the CLI, killed in the middle of a step, and run again, which must continue where the first
 * run stopped. Prints the pause in commits and the migration's total time.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { deployChaincode } from '../../src/chaincode/deploy';
import { listChannels } from '../../src/consensus-migration/channel-participation';
import { migrateConsensus } from '../../src/consensus-migration/migrate';
import { orderedChannels, raftLeaders } from '../../src/consensus-migration/channels';
import { readMigrationRecord } from '../../src/consensus-migration/record';
import { startOrderer } from '../../src/fabric/network';
import { consortiaHome } from '../../src/install';
import { down } from '../../src/operations/down';
import { loadNetwork, networkStatus } from '../../src/operations/status';
import { up } from '../../src/operations/up';
import { readPidRecord } from '../../src/process/supervisor';
import { tcpOpen } from '../../src/process/wait';
import { REPOSITORY_ROOT } from '../../src/repository';
import type { LocalService } from '../../src/services/local-services';
import {
  localCredentials,
  localServices,
  startLocalServices,
} from '../../src/services/local-services';
import { writeManifest } from '../../src/state/manifest';
import type { Topology } from '../../src/topology/topology';
import { hasSystemChannel } from '../../src/topology/topology';
import {
  agreedPeerHeights,
  assertCaIssuedConsenters,
  assertEveryAcceptedOnce,
  commitsAfter,
  explorerOrdering,
  migrateUntilKilled,
  newLeaderAfter,
  verifyMirror,
} from './migrate-checks';
import type { DappClient, Request } from './migrate-traffic';
import { longestPause, longestSyncWait, startTraffic } from './migrate-traffic';

const BASE_PORT = Number(process.env.MIGRATE_TEST_BASE_PORT ?? 22000);
/** cryptogen, or `ca` (CONSORTIA_MIGRATE_CRYPTO=ca): certificates from the orgs' Fabric CAs. */
const CRYPTO = process.env.CONSORTIA_MIGRATE_CRYPTO === 'ca' ? 'ca' : 'cryptogen';
const STATE_DIR = path.join(os.tmpdir(), `consortia-migrate-test-${BASE_PORT}`);
const log = (message: string) => process.stderr.write(`      ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The DAPP, datasync and the explorer of org 1, as `consortia start` runs them. */
async function startServices(topology: Topology): Promise<{
  dapp: DappClient;
  datasync: LocalService;
  explorer: { url: string; user: string; password: string };
}> {
  const credentials = await localCredentials(STATE_DIR);
  const services = localServices(topology, 'consortia', credentials).filter(
    (service) => service.name !== 'app-api',
  );
  await startLocalServices(topology, services, []);
  const find = (name: string) => services.find((service) => service.name === name);
  const dapp = find('dapp');
  const datasync = find('datasync');
  const explorer = find('explorer');
  assert.ok(dapp && datasync && explorer);
  return {
    dapp: {
      url: dapp.url,
      apiKey: credentials.dapp.key,
      channel: topology.options.channel,
      chaincode: 'consortia',
    },
    datasync,
    explorer: { url: explorer.url, ...credentials.explorer },
  };
}

function counts(requests: readonly Request[]): string {
  const of = (mode: Request['mode']) => requests.filter((request) => request.mode === mode);
  const accepted = (list: Request[]) => list.filter((request) => request.accepted).length;
  return (
    `sync ${accepted(of('sync'))} accepted of ${of('sync').length} sent, ` +
    `async ${accepted(of('async'))} accepted of ${of('async').length} sent`
  );
}

describe(`migrate-consensus: Kafka to Raft on a live network (--crypto ${CRYPTO})`, function () {
  this.timeout(1_800_000);
  let topology: Topology;
  let dapp: DappClient;
  let datasync: LocalService;
  let explorer: { url: string; user: string; password: string };
  let stopTraffic: (() => Promise<void>) | undefined;

  before(async function () {
    const home = consortiaHome();
    if (fs.existsSync(STATE_DIR)) await down(STATE_DIR, true);
    const result = await up(
      home,
      { consensus: 'kafka', crypto: CRYPTO, basePort: BASE_PORT, stateDir: STATE_DIR },
      log,
    );
    topology = result.topology;
    const { manifest } = loadNetwork(STATE_DIR);
    await deployChaincode({ home, topology, progress: log, started: [] }, manifest, {
      path: path.join(REPOSITORY_ROOT, 'chaincode'),
      name: 'consortia',
    });
    writeManifest(topology.paths.manifest, manifest);
    ({ dapp, datasync, explorer } = await startServices(topology));
  });

  after(async function () {
    await stopTraffic?.();
    await down(STATE_DIR, false);
    // the logs outlive a failed run, for its diagnosis
    const failed = this.test?.parent?.tests.some((test) => test.state === 'failed');
    if (failed) fs.cpSync(path.join(STATE_DIR, 'logs'), `${STATE_DIR}-logs`, { recursive: true });
    await down(STATE_DIR, true);
  });

  it('keeps committing every request the DAPP accepts exactly once through the migration, interrupted and resumed, after Kafka stops and after the Raft leader dies', async function () {
    const traffic = startTraffic(dapp, `MIG-${Date.now()}`);
    // a failure must not leave the clients running, or mocha would never exit
    stopTraffic = () => traffic.stop();
    const committed = (mode: Request['mode']) =>
      traffic.requests.filter((request) => request.mode === mode && request.committedAt).length;
    while (committed('sync') < 5 || committed('async') < 5) await sleep(500);

    const migrationStart = Date.now();
    const interrupted = await migrateUntilKilled(
      STATE_DIR,
      /consortium: switching the consensus type/,
    );
    assert.match(interrupted, /step switch-to-raft/);
    const record = readMigrationRecord(STATE_DIR);
    assert.ok(record?.completed['enter-maintenance'], 'the first run recorded its first step');
    assert.equal(record.completed['switch-to-raft'], undefined, 'it was killed inside the second');

    const messages: string[] = [];
    const result = await migrateConsensus({
      home: consortiaHome(),
      stateDir: STATE_DIR,
      to: 'etcdraft',
      progress: (message) => {
        messages.push(message);
        log(message);
      },
    });
    const migrationEnd = Date.now();
    assert.ok(messages.some((message) => /resuming the migration/.test(message)));
    assert.ok(messages.some((message) => /asynchronous intake .* is closed/.test(message)));
    assert.deepEqual(
      result.steps.map((step) => step.id),
      [
        'switch-to-raft',
        'restart-orderers',
        'check-leaders',
        'leave-maintenance',
        'check-heights',
        'stop-kafka',
        'add-orderers',
      ],
    );

    // after the migration: Kafka is gone, three Raft orderers, and the DAPP's sync requests
    // still commit (its async intake went with the broker: those are refused, not lost)
    const raft = loadNetwork(STATE_DIR).topology;
    assert.equal(raft.kafka, undefined);
    assert.equal(raft.orderers.length, 3);
    assert.equal(readPidRecord(raft.paths.run, 'kafka'), undefined);
    assert.equal(await tcpOpen(BASE_PORT + 90), false, 'the Kafka broker no longer listens');
    if (CRYPTO === 'ca') {
      const enrolled = await assertCaIssuedConsenters(raft, orderedChannels(raft));
      log(`consenters ${enrolled.join(', ')}: certificates from the orderer org's CAs`);
    }
    await commitsAfter(traffic, Date.now(), 10);

    // the Raft leader of the application channel is killed; another takes over
    const [leader] = await raftLeaders(raft, raft.options.channel);
    const killed = raft.orderers.find((orderer) => orderer.name === leader);
    assert.ok(killed, 'the channel has a leader');
    const leaderProcess = readPidRecord(raft.paths.run, killed.name);
    assert.ok(leaderProcess);
    const killedAt = Date.now();
    process.kill(leaderProcess.pid, 'SIGKILL');
    log(`killed the Raft leader ${killed.name}`);
    const survivors = { ...raft, orderers: raft.orderers.filter((orderer) => orderer !== killed) };
    const election = await newLeaderAfter(survivors, raft.options.channel, killedAt);
    await commitsAfter(traffic, killedAt, 10);
    const [newLeader] = await raftLeaders(survivors, raft.options.channel);
    assert.ok(newLeader && newLeader !== killed.name, `a new leader: ${String(newLeader)}`);
    const leaderPause = longestPause(traffic.commits(), killedAt, Date.now());
    await startOrderer(
      { home: consortiaHome(), topology: raft, progress: log, started: [] },
      killed,
    );
    await traffic.stop();
    stopTraffic = undefined;

    // every accepted request committed, once; no refused request committed
    const { requests } = traffic;
    log(counts(requests));
    const accepted = await assertEveryAcceptedOnce(traffic, dapp);
    const refusedAsync = requests.filter((r) => r.mode === 'async' && !r.accepted);
    const asyncAfterKafka = requests.filter(
      (request) => request.mode === 'async' && request.sentAt > migrationEnd,
    );
    assert.ok(
      asyncAfterKafka.every((request) => !request.accepted),
      'no async request is accepted once the broker is gone',
    );

    // every peer holds the same height; status and network.json say Raft
    const heights = await agreedPeerHeights(topology);
    assert.equal(new Set(heights).size, 1, `peer heights agree: ${heights.join(', ')}`);
    const status = await networkStatus(consortiaHome(), STATE_DIR);
    assert.equal(status.consensus, 'etcdraft');

    // datasync's mirror holds exactly the ledger: every block, hash and tx id, and world state
    const verified = await verifyMirror(datasync);
    log(verified.output.trim().split('\n').slice(-3).join(' | '));
    assert.equal(verified.code, 0, `datasync verify:\n${verified.output}`);

    // the explorer shows the channel ordered by Raft now, and the way it came: Kafka, maintenance
    const shown = await explorerOrdering(explorer, topology.options.channel);
    assert.equal(shown.ordering?.consensusType, 'etcdraft', JSON.stringify(shown.ordering));
    assert.equal(shown.ordering.state, 'normal');
    assert.equal(shown.ordering.consenters.length, 3);
    const shownSteps = shown.history.map(
      (entry) => `${entry.ordering?.consensusType}/${entry.ordering?.state}`,
    );
    assert.ok(
      shownSteps.includes('kafka/maintenance') && shownSteps.includes('etcdraft/maintenance'),
      shownSteps.join(' <- '),
    );
    log(`explorer: ${shownSteps.join(' <- ')}`);

    const pause = longestPause(traffic.commits(), migrationStart, migrationEnd);
    log(
      `leader ${killed.name} killed: ${election.leader} elected after ${(election.ms / 1000).toFixed(1)} s; ` +
        `longest pause in commits ${(leaderPause / 1000).toFixed(1)} s; the longest a sync request ` +
        `committed after the kill waited for its answer ${(longestSyncWait(requests, killedAt) / 1000).toFixed(1)} s`,
    );
    log(
      `accepted ${accepted.length} (${accepted.filter((r) => r.mode === 'sync').length} sync, ` +
        `${accepted.filter((r) => r.mode === 'async').length} async), refused ` +
        `${requests.length - accepted.length} (async ${refusedAsync.length}); ` +
        `peer height ${heights[0]}`,
    );
    log(
      `migration: ${((migrationEnd - migrationStart) / 1000).toFixed(1)} s in all (the interrupted ` +
        `run included), resumed run ${(result.totalMs / 1000).toFixed(1)} s; longest pause in ` +
        `commits ${(pause / 1000).toFixed(1)} s; load average ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
    for (const step of result.steps) log(`  ${step.id}: ${(step.ms / 1000).toFixed(1)} s`);
  });

  it('is done: a second run changes nothing; --channel-participation then removes the system channel under traffic, once; down then up restart it without one', async function () {
    const again = await migrateConsensus({
      home: consortiaHome(),
      stateDir: STATE_DIR,
      to: 'etcdraft',
      progress: log,
    });
    assert.equal(again.alreadyDone, true);

    const traffic = startTraffic(dapp, `CP-${Date.now()}`);
    stopTraffic = () => traffic.stop();
    await commitsAfter(traffic, 0, 5);
    const started = Date.now();
    const participation = await migrateConsensus({
      home: consortiaHome(),
      stateDir: STATE_DIR,
      to: 'etcdraft',
      channelParticipation: true,
      progress: log,
    });
    const ended = Date.now();
    assert.deepEqual(
      participation.steps.map((step) => step.id),
      ['remove-system-channel'],
    );
    await commitsAfter(traffic, ended, 5);
    await traffic.stop();
    stopTraffic = undefined;
    const accepted = await assertEveryAcceptedOnce(traffic, dapp);
    const raft = loadNetwork(STATE_DIR).topology;
    assert.equal(hasSystemChannel(raft), false);
    for (const orderer of raft.orderers) {
      const listed = await listChannels(consortiaHome(), raft, orderer);
      assert.equal(listed.systemChannel, null, `${orderer.name} has no system channel`);
      assert.deepEqual(
        listed.channels?.map((channel) => channel.name),
        [raft.options.channel],
      );
    }
    log(
      `remove-system-channel: ${((ended - started) / 1000).toFixed(1)} s; longest pause in ` +
        `commits ${(longestPause(traffic.commits(), started, ended) / 1000).toFixed(1)} s; ` +
        `${accepted.length} accepted requests committed once`,
    );
    const twice = await migrateConsensus({
      home: consortiaHome(),
      stateDir: STATE_DIR,
      to: 'etcdraft',
      channelParticipation: true,
      progress: log,
    });
    assert.equal(twice.alreadyDone, true);

    await down(STATE_DIR, false);
    const restarted = await up(consortiaHome(), { stateDir: STATE_DIR }, log);
    assert.equal(restarted.topology.options.consensus, 'etcdraft');
    assert.equal(restarted.topology.kafka, undefined);
    assert.equal(hasSystemChannel(restarted.topology), false);
    // the DAPP restarted as on a Raft network (sync only) commits
    ({ dapp } = await startServices(restarted.topology));
    const id = `AFTER-${Date.now()}`;
    const response = await fetch(
      `${dapp.url}/v1/channels/${dapp.channel}/chaincodes/consortia/transactions`,
      {
        method: 'POST',
        headers: { 'x-api-key': dapp.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({
          function: 'AssetContract:CreateAsset',
          args: [id, 'migration', 'alice', '{}'],
          mode: 'sync',
        }),
      },
    );
    assert.equal(response.status, 200, await response.text());
  });
});
