// SPDX-License-Identifier: Apache-2.0
/**
 * One real local network that every workspace's integration tests share: 2 organizations of 2
 * peers, Kafka ordering, the business chaincode deployed and its token initialized by Org1.
 * Bringing a Fabric network up and deploying chaincode costs a minute on a small machine, so the
 * test runner starts it once, hands its state dir to every suite through CONSORTIA_TEST_NETWORK,
 * and stops it at the end. A suite run on its own starts it the same way and leaves it running
 * for the next run (`consortia down --state-dir <dir>` stops it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { deployChaincode } from '../chaincode/deploy';
import { consortiaHome } from '../install';
import { fabricComponent, FABRIC_VERSION } from '../install/fabric';
import { down } from '../operations/down';
import { loadNetwork } from '../operations/status';
import { up } from '../operations/up';
import { REPOSITORY_ROOT } from '../repository';
import { testKafkaUnavailable } from './kafka';
import { writeManifest } from '../state/manifest';
import type { Org, Topology } from '../topology/topology';
import { firstOrg } from '../topology/topology';
import { ensureTokenInitialized, LOCAL_TOKEN } from '../chaincode/token';
import type { KafkaClientUser } from '../kafka/client-listener';
import { kafkaClientEnv } from '../kafka/client-listener';

/** The environment variable that names the shared network's state dir. */
export const TEST_NETWORK_ENV = 'CONSORTIA_TEST_NETWORK';
/** Clear of the ranges the workspaces' own tests use (20000 and up) and of `npm start` (7000). */
export const TEST_NETWORK_BASE_PORT = 12000;
/** Moves the shared network elsewhere, so a second checkout can run its suites beside a first. */
export const TEST_NETWORK_BASE_PORT_ENV = 'CONSORTIA_TEST_NETWORK_BASE_PORT';
export const TEST_CHAINCODE = 'consortia';
export const TEST_TOKEN = LOCAL_TOKEN;

export interface TestNetwork {
  stateDir: string;
  topology: Topology;
  /** Org1, whose User1 initialized the token and so is its admin organization and minter. */
  org: Org;
  chaincode: string;
}

/**
 * How a service of the shared network reaches Kafka as `npm start` runs it: the broker's TLS +
 * SASL/SCRAM listener, as the DAPP's or datasync's user (ACLs: topics `dapp.*` / `ledger.*`, groups
 * `dapp-*` / `datasync-*`). Empty under Raft ordering.
 */
export function serviceKafkaEnv(topology: Topology, user: KafkaClientUser): Record<string, string> {
  const node = topology.kafka;
  if (node?.clientPort === undefined) return {};
  return kafkaClientEnv({ ...node, clientPort: node.clientPort }, user);
}

/** Why the shared network cannot run here, or undefined when it can. */
export function testNetworkUnavailable(home = consortiaHome()): string | undefined {
  if (!fabricComponent.isInstalled(home)) {
    return `Fabric ${FABRIC_VERSION} is not installed (\`consortia install fabric\` could not build it)`;
  }
  return testKafkaUnavailable(home);
}

export function testNetworkBasePort(env: NodeJS.ProcessEnv = process.env): number {
  const configured = env[TEST_NETWORK_BASE_PORT_ENV]?.trim();
  if (!configured) return TEST_NETWORK_BASE_PORT;
  const port = Number(configured);
  if (!Number.isInteger(port) || port < 1024 || port > 60000) {
    throw new Error(
      `${TEST_NETWORK_BASE_PORT_ENV}=${configured} is not a port from 1024 to 60000; unset it for ${TEST_NETWORK_BASE_PORT}`,
    );
  }
  return port;
}

export function testNetworkDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[TEST_NETWORK_ENV]?.trim() || path.join(os.tmpdir(), 'consortia-test-network');
}

const READY_MARK = 'test-network-ready';

/**
 * The shared network, brought up (or resumed, ledgers kept) when it is not running. Safe to call
 * from every suite: what is already done is not done again.
 */
export async function sharedTestNetwork(
  progress: (message: string) => void = (message) => process.stderr.write(`      ${message}\n`),
  env: NodeJS.ProcessEnv = process.env,
): Promise<TestNetwork> {
  const home = consortiaHome(env);
  const unavailable = testNetworkUnavailable(home);
  if (unavailable) throw new Error(unavailable);
  const stateDir = testNetworkDir(env);
  fs.mkdirSync(path.dirname(stateDir), { recursive: true });
  const release = await lock(`${stateDir}.lock`, progress);
  try {
    // A node's port can read as held for a moment while the node itself restarts (a suite before
    // this one stopped or paused it); only a port that stays held is a real clash.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await bringUp(home, stateDir, progress, testNetworkBasePort(env));
      } catch (error) {
        if (attempt >= 3 || !String(error).includes('is in use by')) throw error;
        progress(`ports still held, trying again: ${String(error).split('\n')[0] ?? ''}`);
        await new Promise((resolve) => setTimeout(resolve, 5_000));
      }
    }
  } finally {
    release();
  }
}

async function bringUp(
  home: string,
  stateDir: string,
  progress: (message: string) => void,
  basePort: number,
): Promise<TestNetwork> {
  const { topology } = await up(
    home,
    {
      consensus: 'kafka',
      // cryptogen: its org CA keys let suites mint throwaway users, and it spares CI the CAs
      crypto: 'cryptogen',
      orgs: 2,
      peersPerOrg: 2,
      basePort,
      stateDir,
    },
    progress,
  );
  const { manifest } = loadNetwork(stateDir);
  if (!manifest.chaincodes.some((deployed) => deployed.name === TEST_CHAINCODE)) {
    await deployChaincode({ home, topology, progress, started: [] }, manifest, {
      path: path.join(REPOSITORY_ROOT, 'chaincode'),
      name: TEST_CHAINCODE,
    });
    writeManifest(topology.paths.manifest, manifest);
  }
  const org = firstOrg(topology);
  const mark = path.join(stateDir, READY_MARK);
  if (!fs.existsSync(mark)) {
    progress(`initializing the ${TEST_TOKEN.symbol} token as ${org.mspId}`);
    await ensureTokenInitialized(topology, org, TEST_CHAINCODE, TEST_TOKEN);
    fs.writeFileSync(mark, `${new Date().toISOString()}\n`);
  }
  return { stateDir, topology, org, chaincode: TEST_CHAINCODE };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Serializes processes that bring the shared network up at the same time (suites run by hand
 * beside a running test suite), so no two start the same node. A lock left by a dead process is
 * taken over.
 */
async function lock(file: string, progress: (message: string) => void): Promise<() => void> {
  const deadline = Date.now() + 15 * 60_000;
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8').trim();
    } catch {
      continue; // released meanwhile
    }
    const holder = Number(text);
    if (text === '') {
      await new Promise((resolve) => setTimeout(resolve, 100)); // being written
      continue;
    }
    if (!Number.isInteger(holder) || holder <= 0 || !alive(holder)) {
      fs.rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `process ${holder} has held ${file} for 15 minutes; stop it or remove the file`,
      );
    }
    if (!told) {
      progress(`waiting for process ${holder}, which is bringing the shared test network up`);
      told = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * Stops the shared network and deletes its state dir, and the directory made to hold it when
 * nothing else is left there.
 */
export async function stopTestNetwork(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const stateDir = testNetworkDir(env);
  if (fs.existsSync(stateDir)) await down(stateDir, true);
  const parent = path.dirname(stateDir);
  if (parent !== os.tmpdir() && fs.existsSync(parent) && fs.readdirSync(parent).length === 0) {
    fs.rmdirSync(parent);
  }
}
