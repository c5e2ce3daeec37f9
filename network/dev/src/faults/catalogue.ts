// SPDX-License-Identifier: Apache-2.0
/**
 * The faults, one at a time while the load runs. Each injects its fault and brings the broken
 * part back as its supervisor would; the runner then waits for the whole stack to recover.
 */
import path from 'node:path';

import { servicePorts, tcpOpen } from '@consortia/network';

import type { LoadGenerator } from './load';
import {
  killPostgres,
  killProcess,
  pauseProcess,
  raftLeader,
  restartChaincode,
  restartNodes,
  restartService,
  startPostgres,
  stopPostgres,
  stopService,
} from './processes';
import type { Stack } from './stack';
import { FAULTS_CHAINCODE } from './stack';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface FaultContext {
  stack: Stack;
  load: LoadGenerator;
  log: (message: string) => void;
}

export interface Fault {
  name: string;
  description: string;
  /** Why it does not apply to this network, or undefined. */
  skip?: (stack: Stack) => string | undefined;
  inject: (context: FaultContext) => Promise<void>;
  /** Puts the stack back as `consortia start` runs it, after the checks (load stopped). */
  cleanup?: (context: FaultContext) => Promise<void>;
}

/** How long a crashed process stays down before its supervisor restarts it. */
const DOWN_MS = 5000;

const crashService = (name: 'datasync' | 'app-api'): Fault => ({
  name,
  description: `SIGKILL ${name} (with its embedded Postgres), restart it`,
  inject: async ({ stack }) => {
    await killProcess(stack, name);
    await sleep(DOWN_MS);
    await restartService(stack, name);
  },
});

const crashNode = (
  name: string,
  description: string,
  pick: (stack: Stack) => Promise<string>,
): Fault => ({
  name,
  description,
  inject: async ({ stack, log }) => {
    const target = await pick(stack);
    log(`killing ${target}`);
    await killProcess(stack, target);
    await sleep(DOWN_MS);
    await restartNodes(stack);
  },
});

/** A service's Postgres dies and its database server is started again; the service keeps running. */
function crashPostgres(service: 'dapp' | 'datasync', name: string): Fault {
  let restarted: number | undefined;
  return {
    name,
    description: `SIGKILL the ${service === 'dapp' ? "DAPP's" : "mirror's"} Postgres, start it again under the running service`,
    inject: async ({ stack, log }) => {
      const port = servicePorts(stack.topology)[service].postgres;
      if (port === undefined) throw new Error(`${service} has no Postgres`);
      const server = await killPostgres(port);
      await sleep(DOWN_MS);
      const logFile = path.join(stack.topology.paths.logs, `faults-${service}-postgres.log`);
      // the old backends may hold its shared memory a moment longer: try again until it serves
      for (let attempt = 1; attempt <= 15; attempt++) {
        restarted = await startPostgres(server, logFile);
        for (let waited = 0; waited < 20 && !(await tcpOpen(port)); waited++) await sleep(250);
        if (await tcpOpen(port)) return;
        log(`Postgres did not start (attempt ${attempt}); see ${logFile}`);
        await sleep(2000);
      }
      throw new Error(`Postgres on port ${port} did not start again`);
    },
    // the service owns its embedded server: restart both together as `consortia start` runs them
    cleanup: async ({ stack }) => {
      await stopService(stack, service);
      if (restarted !== undefined) await stopPostgres(restarted);
      restarted = undefined;
      await restartService(stack, service);
    },
  };
}

export const FAULTS: readonly Fault[] = [
  {
    name: 'dapp',
    description: 'SIGKILL the DAPP while its worker submits a batch, restart it',
    inject: async ({ stack, load, log }) => {
      // a burst of queued requests, so the worker is mid-batch when it dies
      const burst = Array.from({ length: 6 }, () =>
        load.send({ via: 'dapp', mode: stack.topology.kafka ? 'async' : 'sync', kind: 'asset' }),
      );
      for (let waited = 0; waited < 50 && (await stack.dapp.inFlight()) === 0; waited++)
        await sleep(100);
      log(`worker in flight: ${await stack.dapp.inFlight()}`);
      await killProcess(stack, 'dapp');
      await sleep(DOWN_MS);
      await restartService(stack, 'dapp');
      // the burst's clients keep retrying; the load's stop() waits for them
      void Promise.all(burst);
    },
  },
  crashService('datasync'),
  crashService('app-api'),
  crashNode(
    'peer-org1',
    "SIGKILL peer0.org1 (the DAPP's first gateway peer), restart it",
    async () => 'peer0.org1',
  ),
  crashNode('peer-org2', 'SIGKILL peer0.org2, restart it', async () => 'peer0.org2'),
  crashNode('orderer', 'SIGKILL the orderer (for Raft: the leader), restart it', async (stack) =>
    stack.topology.options.consensus === 'etcdraft'
      ? ((await raftLeader(stack)) ?? 'orderer0')
      : 'orderer0',
  ),
  {
    ...crashNode('kafka', 'SIGKILL the Kafka broker, restart it', async () => 'kafka'),
    skip: (stack) => (stack.topology.kafka ? undefined : 'this network runs no Kafka broker'),
  },
  {
    ...crashPostgres('dapp', 'dapp-postgres'),
  },
  crashPostgres('datasync', 'mirror-postgres'),
  {
    name: 'peer-partition',
    description: "SIGSTOP peer0.org1 (the DAPP's first gateway peer) for 30 s, then SIGCONT",
    inject: async ({ stack }) => pauseProcess(stack, 'peer0.org1', 30_000),
  },
  {
    name: 'chaincode',
    description: "SIGKILL Org1's chaincode service, restart it",
    inject: async ({ stack }) => {
      await killProcess(stack, `chaincode-${FAULTS_CHAINCODE}.org1`);
      await sleep(DOWN_MS);
      await restartChaincode(stack);
    },
  },
];

export function faultNames(): string[] {
  return FAULTS.map((fault) => fault.name);
}
