// SPDX-License-Identifier: Apache-2.0
/**
 * The Kafka to Raft migration on a real network of its own, under continuous traffic
 * (`npm run test:migrate -w network`; minutes, so outside `npm test`). The migration is run as
 * the CLI, killed in the middle of a step, and run again, which must continue where the first
 * run stopped. Prints the pause in commits and the migration's total time.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { deployChaincode } from '../../src/chaincode/deploy';
import { migrateConsensus } from '../../src/consensus-migration/migrate';
import { raftLeaders } from '../../src/consensus-migration/channels';
import { readMigrationRecord } from '../../src/consensus-migration/record';
import { channelHeight } from '../../src/fabric/channel-info';
import type { GatewayConnection } from '../../src/fabric/gateway-client';
import { connectGateway } from '../../src/fabric/gateway-client';
import { startOrderer } from '../../src/fabric/network';
import { consortiaHome } from '../../src/install';
import { down } from '../../src/operations/down';
import { loadNetwork, networkStatus } from '../../src/operations/status';
import { up } from '../../src/operations/up';
import { readPidRecord } from '../../src/process/supervisor';
import { tcpOpen } from '../../src/process/wait';
import { REPOSITORY_ROOT } from '../../src/repository';
import { writeManifest } from '../../src/state/manifest';
import type { Topology } from '../../src/topology/topology';
import { firstOrg } from '../../src/topology/topology';
import type { Traffic } from './migrate-traffic';
import { longestPause, startTraffic } from './migrate-traffic';

const BASE_PORT = Number(process.env.MIGRATE_TEST_BASE_PORT ?? 22000);
const STATE_DIR = path.join(os.tmpdir(), `consortia-migrate-test-${BASE_PORT}`);
const CLI_FROM_SOURCE = path.join(__dirname, 'migrate-cli.ts');
const log = (message: string) => process.stderr.write(`      ${message}\n`);

/** Runs the CLI's migration and SIGKILLs it once its output shows `marker`. */
function migrateUntilKilled(marker: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI_FROM_SOURCE, 'migrate-consensus', '--to', 'etcdraft'],
      {
        env: { ...process.env, CONSORTIA_STATE_DIR: STATE_DIR },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (marker.test(output)) child.kill('SIGKILL');
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(output);
      else
        reject(
          new Error(`the migration ended (${code}) before it could be interrupted:\n${output}`),
        );
    });
  });
}

/** Waits until the traffic has committed `count` requests after `since`. */
async function commitsAfter(traffic: Traffic, since: number, count: number): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (traffic.commits().filter((time) => time > since).length < count) {
    assert.ok(Date.now() < deadline, `${count} commits within 300 s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function peerHeights(topology: Topology): Promise<number[]> {
  const home = consortiaHome();
  return Promise.all(
    topology.orgs
      .flatMap((org) => org.peers)
      .map(async (peer) => (await channelHeight({ home, topology }, peer)) ?? -1),
  );
}

describe('migrate-consensus: Kafka to Raft on a live network', function () {
  this.timeout(1_800_000);
  let topology: Topology;
  let connection: GatewayConnection | undefined;
  let stopTraffic: (() => Promise<void>) | undefined;

  before(async function () {
    const home = consortiaHome();
    if (fs.existsSync(STATE_DIR)) await down(STATE_DIR, true);
    const result = await up(
      home,
      { consensus: 'kafka', crypto: 'cryptogen', basePort: BASE_PORT, stateDir: STATE_DIR },
      log,
    );
    topology = result.topology;
    const { manifest } = loadNetwork(STATE_DIR);
    await deployChaincode({ home, topology, progress: log, started: [] }, manifest, {
      path: path.join(REPOSITORY_ROOT, 'chaincode'),
      name: 'consortia',
    });
    writeManifest(topology.paths.manifest, manifest);
  });

  after(async function () {
    await stopTraffic?.();
    connection?.close();
    await down(STATE_DIR, false);
    // the logs outlive a failed run, for its diagnosis
    const failed = this.test?.parent?.tests.some((test) => test.state === 'failed');
    if (failed) fs.cpSync(path.join(STATE_DIR, 'logs'), `${STATE_DIR}-logs`, { recursive: true });
    await down(STATE_DIR, true);
  });

  it('keeps committing every request exactly once through the migration, interrupted and resumed, and after Kafka stops', async function () {
    connection = connectGateway(topology, firstOrg(topology));
    const contract = connection.gateway
      .getNetwork(topology.options.channel)
      .getContract('consortia', 'AssetContract');
    const traffic = startTraffic(contract, `MIG-${Date.now()}`);
    // a failure must not leave the clients running, or mocha would never exit
    stopTraffic = () => traffic.stop();
    while (traffic.commits().length < 10) await new Promise((resolve) => setTimeout(resolve, 500));

    const migrationStart = Date.now();
    const interrupted = await migrateUntilKilled(/consortium: switching the consensus type/);
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

    // after the migration: Kafka is gone, three Raft orderers, and transactions still commit
    const raft = loadNetwork(STATE_DIR).topology;
    assert.equal(raft.kafka, undefined);
    assert.equal(raft.orderers.length, 3);
    assert.equal(readPidRecord(raft.paths.run, 'kafka'), undefined);
    assert.equal(await tcpOpen(BASE_PORT + 90), false, 'the Kafka broker no longer listens');
    await commitsAfter(traffic, Date.now(), 20);

    // the Raft leader of the application channel is killed; another takes over
    const [leader] = await raftLeaders(raft, raft.options.channel);
    const killed = raft.orderers.find((orderer) => orderer.name === leader);
    assert.ok(killed, 'the channel has a leader');
    const leaderProcess = readPidRecord(raft.paths.run, killed.name);
    assert.ok(leaderProcess);
    const killedAt = Date.now();
    process.kill(leaderProcess.pid, 'SIGKILL');
    log(`killed the Raft leader ${killed.name}`);
    await commitsAfter(traffic, killedAt, 20);
    const survivors = { ...raft, orderers: raft.orderers.filter((orderer) => orderer !== killed) };
    const [newLeader] = await raftLeaders(survivors, raft.options.channel);
    assert.ok(newLeader && newLeader !== killed.name, `a new leader: ${String(newLeader)}`);
    const leaderPause = longestPause(traffic.commits(), killedAt, Date.now());
    await startOrderer(
      { home: consortiaHome(), topology: raft, progress: log, started: [] },
      killed,
    );
    await traffic.stop();

    const accepted = traffic.requests;
    const uncommitted = accepted.filter((request) => request.committedAt === undefined);
    assert.deepEqual(
      uncommitted.map((request) => request.id),
      [],
      'every accepted request committed',
    );
    for (const request of accepted) {
      const history = JSON.parse(
        Buffer.from(
          await contract.evaluateTransaction('GetAssetHistory', request.id, '100', ''),
        ).toString(),
      ) as { records?: unknown[] };
      const entries = history.records ?? [];
      assert.equal(entries.length, 1, `${request.id} was written once`);
    }

    // every peer holds the same height; status and network.json say Raft
    let heights = await peerHeights(topology);
    for (let tries = 0; tries < 30 && new Set(heights).size > 1; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      heights = await peerHeights(topology);
    }
    assert.equal(new Set(heights).size, 1, `peer heights agree: ${heights.join(', ')}`);
    const status = await networkStatus(consortiaHome(), STATE_DIR);
    assert.equal(status.consensus, 'etcdraft');
    assert.ok(status.processes.every((process) => process.healthy));

    const pause = longestPause(traffic.commits(), migrationStart, migrationEnd);
    log(
      `leader ${killed.name} killed: ${newLeader} took over; longest pause ${(leaderPause / 1000).toFixed(1)} s`,
    );
    log(
      `requests: ${accepted.length} (${accepted.filter((r) => r.mode === 'sync').length} sync, ` +
        `${accepted.filter((r) => r.mode === 'async').length} async), retried: ` +
        `${accepted.filter((r) => r.attempts > 1).length}; peer height ${heights[0]}`,
    );
    log(
      `migration: ${((migrationEnd - migrationStart) / 1000).toFixed(1)} s in all (the interrupted ` +
        `run included), resumed run ${(result.totalMs / 1000).toFixed(1)} s; longest pause in ` +
        `commits ${(pause / 1000).toFixed(1)} s`,
    );
    for (const step of result.steps) log(`  ${step.id}: ${(step.ms / 1000).toFixed(1)} s`);
  });

  it('is done: a second run changes nothing, and down then up restart it as Raft', async function () {
    const again = await migrateConsensus({
      home: consortiaHome(),
      stateDir: STATE_DIR,
      to: 'etcdraft',
      progress: log,
    });
    assert.equal(again.alreadyDone, true);
    connection?.close();
    connection = undefined;
    await down(STATE_DIR, false);
    const restarted = await up(consortiaHome(), { stateDir: STATE_DIR }, log);
    assert.equal(restarted.topology.options.consensus, 'etcdraft');
    assert.equal(restarted.topology.kafka, undefined);
    connection = connectGateway(restarted.topology, firstOrg(restarted.topology));
    const contract = connection.gateway
      .getNetwork(restarted.topology.options.channel)
      .getContract('consortia', 'AssetContract');
    await contract.submitTransaction(
      'CreateAsset',
      `AFTER-${Date.now()}`,
      'migration',
      'alice',
      '{}',
    );
  });
});
