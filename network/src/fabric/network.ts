// SPDX-License-Identifier: Apache-2.0
import { prepareBroker, startBroker } from '../kafka/broker';
import { provisionClientUsers } from '../kafka/client-users';
import { fabricTool } from '../install/fabric';
import { ensureRunning } from '../process/daemon';
import type { PidRecord } from '../process/supervisor';
import { httpOk } from '../process/wait';
import type { OrdererNode, PeerNode, Topology } from '../topology/topology';
import { HOST, ordererHealthPath } from '../topology/topology';

/** What every step of bringing a network up works with. */
export interface NetworkContext {
  home: string;
  topology: Topology;
  progress: (message: string) => void;
  /** Every process this invocation started, so a failure can stop exactly those. */
  started: PidRecord[];
}

async function startNode(
  context: NetworkContext,
  name: string,
  command: string,
  args: string[],
  configDir: string,
  operationsPort: number,
  healthPath = '/healthz',
): Promise<void> {
  const { topology } = context;
  const health = `http://${HOST}:${operationsPort}${healthPath}`;
  await ensureRunning({
    spec: {
      name,
      command,
      args,
      env: { ...process.env, FABRIC_CFG_PATH: configDir },
      runDir: topology.paths.run,
      logDir: topology.paths.logs,
    },
    description: `${name} to report healthy on ${health}`,
    ready: () => httpOk(health),
    timeoutMs: 60_000,
    started: context.started,
  });
}

/** Starts one orderer (unless it runs) and waits until it reports healthy. */
export async function startOrderer(context: NetworkContext, orderer: OrdererNode): Promise<void> {
  await startNode(
    context,
    orderer.name,
    fabricTool(context.home, 'orderer'),
    [],
    orderer.dir,
    orderer.operationsPort,
    ordererHealthPath(context.topology),
  );
}

/** Starts Kafka (for Kafka consensus), the orderers and the peers, each waited on until healthy. */
export async function startNodes(context: NetworkContext): Promise<void> {
  const { home, topology, progress } = context;
  if (topology.kafka) {
    progress(`starting the Kafka broker on ${HOST}:${topology.kafka.port}`);
    await prepareBroker(home, topology.kafka);
    const location = {
      node: topology.kafka,
      runDir: topology.paths.run,
      logDir: topology.paths.logs,
    };
    await startBroker(home, location, context.started);
    if (topology.kafka.clientPort !== undefined) {
      progress(`securing the Kafka client listener on ${HOST}:${topology.kafka.clientPort}`);
      await provisionClientUsers(home, topology.kafka);
    }
  }
  for (const orderer of topology.orderers) {
    progress(`starting ${orderer.name} on ${HOST}:${orderer.port}`);
    await startOrderer(context, orderer);
  }
  for (const peer of topology.orgs.flatMap((org) => org.peers)) {
    progress(`starting ${peer.name} on ${HOST}:${peer.port}`);
    await startPeer(context, peer);
  }
}

/** Starts one peer (unless it runs) and waits until it reports healthy. */
export async function startPeer(context: NetworkContext, peer: PeerNode): Promise<void> {
  await startNode(
    context,
    peer.name,
    fabricTool(context.home, 'peer'),
    ['node', 'start'],
    peer.dir,
    peer.operationsPort,
  );
}
