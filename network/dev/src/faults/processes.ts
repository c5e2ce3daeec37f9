// SPDX-License-Identifier: Apache-2.0
/** Crashing, pausing and restarting the stack's processes, by the pids their supervisor recorded. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import {
  HOST,
  isOurs,
  loadNetwork,
  localServices,
  readPidRecord,
  restartChaincodeServices,
  startLocalServices,
  startNodes,
  stopDaemon,
} from '@consortia/network';
import type { LocalServiceName } from '@consortia/network';

import type { Stack } from './stack';
import { FAULTS_CHAINCODE } from './stack';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function recordOf(stack: Stack, name: string) {
  const record = readPidRecord(stack.topology.paths.run, name);
  if (!record || !isOurs(record)) throw new Error(`${name} is not running`);
  return record;
}

/**
 * SIGKILLs a process and everything in its process group (a service with its embedded Postgres,
 * as a crashed container loses both), then waits until it is gone.
 */
export async function killProcess(stack: Stack, name: string): Promise<void> {
  const record = recordOf(stack, name);
  try {
    process.kill(-record.pid, 'SIGKILL');
  } catch {
    process.kill(record.pid, 'SIGKILL');
  }
  for (let waited = 0; waited < 100 && isOurs(record); waited++) await sleep(100);
}

/** SIGSTOP, then SIGCONT after `ms`: the process is cut off without its connections closing. */
export async function pauseProcess(stack: Stack, name: string, ms: number): Promise<void> {
  const record = recordOf(stack, name);
  process.kill(record.pid, 'SIGSTOP');
  try {
    await sleep(ms);
  } finally {
    process.kill(record.pid, 'SIGCONT');
  }
}

/** Starts whatever node (Kafka, orderer, peer) is not running, as `consortia up` does. */
export async function restartNodes(stack: Stack): Promise<void> {
  await startNodes({
    home: stack.home,
    topology: stack.topology,
    progress: () => undefined,
    started: [],
  });
}

export async function restartChaincode(stack: Stack): Promise<void> {
  const { manifest } = loadNetwork(stack.stateDir);
  await restartChaincodeServices({ topology: stack.topology, started: [] }, manifest);
}

/** Starts one service as `consortia start` does (same env), waiting for its /healthz. */
export async function restartService(stack: Stack, name: LocalServiceName): Promise<void> {
  const service = localServices(stack.topology, FAULTS_CHAINCODE, stack.credentials).find(
    (candidate) => candidate.name === name,
  );
  if (!service) throw new Error(`unknown service ${name}`);
  await startLocalServices(stack.topology, [service], []);
}

/** Stops a service gracefully (SIGTERM, SIGKILL after 15 s). */
export async function stopService(stack: Stack, name: LocalServiceName): Promise<void> {
  await stopDaemon(stack.topology.paths.run, name, 15_000);
}

export interface PostgresServer {
  pid: number;
  argv: string[];
  uid: number;
  gid: number;
}

/** The postmaster listening on `port`: the process whose command line is `postgres … -p port`. */
export function findPostgres(port: number): PostgresServer | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const portAt = argv.indexOf('-p');
      if (path.basename(argv[0] ?? '') !== 'postgres' || argv[portAt + 1] !== String(port))
        continue;
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? process.getuid?.() ?? 0);
      const gid = Number(/^Gid:\s+(\d+)/m.exec(status)?.[1] ?? process.getgid?.() ?? 0);
      return { pid: Number(entry), argv, uid, gid };
    } catch {
      // exited meanwhile
    }
  }
  return undefined;
}

async function gone(pid: number): Promise<void> {
  for (let waited = 0; waited < 100; waited++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(100);
  }
}

/** SIGKILLs the postmaster on `port` (its backends exit when they see it gone). */
export async function killPostgres(port: number): Promise<PostgresServer> {
  const server = findPostgres(port);
  if (!server) throw new Error(`no Postgres listens on ${HOST}:${port}`);
  process.kill(server.pid, 'SIGKILL');
  await gone(server.pid);
  // the old backends must let go of the shared memory before a new postmaster can start
  await sleep(1000);
  return server;
}

/**
 * Starts the same postmaster again (same program, flags and user), as a database's supervisor
 * would, while the service that uses it keeps running. Returns its pid.
 */
export async function startPostgres(server: PostgresServer, logFile: string): Promise<number> {
  const [program, ...args] = server.argv;
  if (!program) throw new Error('no postgres command line');
  const fd = fs.openSync(logFile, 'a');
  try {
    const child = spawn(program, args, {
      uid: server.uid,
      gid: server.gid,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.unref();
    if (child.pid === undefined) throw new Error('could not start postgres');
    return child.pid;
  } finally {
    fs.closeSync(fd);
  }
}

/** Stops a postmaster this suite started (fast shutdown), waiting until it is gone. */
export async function stopPostgres(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  await gone(pid);
}

/** The Raft leader of the channel, from each orderer's Prometheus metrics. */
export async function raftLeader(stack: Stack): Promise<string | undefined> {
  for (const orderer of stack.topology.orderers) {
    try {
      const response = await fetch(`http://${HOST}:${orderer.operationsPort}/metrics`, {
        signal: AbortSignal.timeout(2000),
      });
      const pattern = new RegExp(
        `^consensus_etcdraft_is_leader\\{channel="${stack.topology.options.channel}"\\} 1$`,
        'm',
      );
      if (pattern.test(await response.text())) return orderer.name;
    } catch {
      // not answering: not the leader we can name
    }
  }
  return undefined;
}
