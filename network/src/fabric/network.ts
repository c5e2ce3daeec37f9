import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

import { prepareBroker, startBroker } from '../kafka/broker';
import { provisionClientUsers } from '../kafka/client-users';
import type { PidRecord } from '../process/supervisor';
import { ensureRunning } from '../process/daemon';
import { httpOk, waitFor } from '../process/wait';
import { CCAAS_BUILDER_DIR } from '../chaincode/builder';
import { configtx, PROFILES, SYSTEM_CHANNEL } from '../templates/configtx';
import { coreYaml } from '../templates/core-yaml';
import { cryptoConfig } from '../templates/crypto-config';
import { ordererYaml, SYSTEM_GENESIS_BLOCK } from '../templates/orderer-yaml';
import type { OrdererNode, PeerNode, Topology } from '../topology/topology';
import {
  firstOrderer,
  firstOrg,
  firstPeer,
  HOST,
  orgOf,
  ordererAdminDir,
  ordererHealthPath,
  ordererTlsCaFile,
} from '../topology/topology';
import { fabricTool } from '../install/fabric';
import { channelBlockFile, ordererArgs, peerAdminEnv, runFabric } from './tools';

export interface NetworkContext {
  home: string;
  topology: Topology;
  progress: (message: string) => void;
  /** Every process this invocation started, so a failure can stop exactly those. */
  started: PidRecord[];
}

function writeYaml(file: string, content: object): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, YAML.stringify(content, { lineWidth: 0 }));
}

function anchorUpdateFile(topology: Topology, mspId: string): string {
  return path.join(topology.paths.config, `${mspId}-anchors.tx`);
}

/** Crypto material, channel artifacts and every node's configuration, from the typed templates. */
export async function generateArtifacts({
  home,
  topology,
  progress,
}: NetworkContext): Promise<void> {
  const { config, crypto, logs } = topology.paths;
  const logFile = path.join(logs, 'setup.log');
  fs.mkdirSync(config, { recursive: true });

  progress('generating crypto material (cryptogen)');
  writeYaml(path.join(config, 'crypto-config.yaml'), cryptoConfig(topology));
  await runFabric(
    'cryptogen',
    ['generate', '--config', path.join(config, 'crypto-config.yaml'), '--output', crypto],
    {
      home,
      logFile,
    },
  );

  progress('generating channel artifacts (configtxgen)');
  writeYaml(path.join(config, 'configtx.yaml'), configtx(topology));
  const configtxgen = (args: string[]) =>
    runFabric('configtxgen', ['-configPath', config, ...args], { home, logFile });
  const channel = topology.options.channel;
  if (topology.options.consensus === 'kafka') {
    await configtxgen([
      '-profile',
      PROFILES.systemChannel,
      '-channelID',
      SYSTEM_CHANNEL,
      '-outputBlock',
      path.join(config, SYSTEM_GENESIS_BLOCK),
    ]);
    await configtxgen([
      '-profile',
      PROFILES.kafkaApplicationChannel,
      '-channelID',
      channel,
      '-outputCreateChannelTx',
      path.join(config, `${channel}.tx`),
    ]);
    for (const org of topology.orgs) {
      await configtxgen([
        '-profile',
        PROFILES.kafkaApplicationChannel,
        '-channelID',
        channel,
        '-outputAnchorPeersUpdate',
        anchorUpdateFile(topology, org.mspId),
        '-asOrg',
        org.mspId,
      ]);
    }
  } else {
    await configtxgen([
      '-profile',
      PROFILES.raftApplicationChannel,
      '-channelID',
      channel,
      '-outputBlock',
      channelBlockFile(topology),
    ]);
  }

  for (const orderer of topology.orderers) {
    writeYaml(path.join(orderer.dir, 'orderer.yaml'), ordererYaml(topology, orderer));
  }
  for (const org of topology.orgs) {
    for (const peer of org.peers) {
      writeYaml(
        path.join(peer.dir, 'core.yaml'),
        coreYaml({ topology, org, peer, ccaasBuilderDir: CCAAS_BUILDER_DIR }),
      );
    }
  }
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
    await startNode(
      context,
      orderer.name,
      fabricTool(home, 'orderer'),
      [],
      orderer.dir,
      orderer.operationsPort,
      ordererHealthPath(topology),
    );
  }
  for (const peer of topology.orgs.flatMap((org) => org.peers)) {
    progress(`starting ${peer.name} on ${HOST}:${peer.port}`);
    await startNode(
      context,
      peer.name,
      fabricTool(home, 'peer'),
      ['node', 'start'],
      peer.dir,
      peer.operationsPort,
    );
  }
}

function osnadminArgs(topology: Topology, orderer: OrdererNode): string[] {
  const admin = path.join(ordererAdminDir(topology), 'tls');
  return [
    '-o',
    `${HOST}:${orderer.adminPort}`,
    '--ca-file',
    ordererTlsCaFile(topology),
    '--client-cert',
    path.join(admin, 'client.crt'),
    '--client-key',
    path.join(admin, 'client.key'),
  ];
}

async function peerJoined(context: NetworkContext, peer: PeerNode): Promise<boolean> {
  const org = orgOf(context.topology, peer);
  const output = await runFabric('peer', ['channel', 'list'], {
    home: context.home,
    env: peerAdminEnv(context.topology, org, peer),
  });
  return output.split('\n').some((line) => line.trim() === context.topology.options.channel);
}

/**
 * Creates the application channel and joins every peer. Kafka consensus creates it through the
 * system channel (`peer channel create`) and then sets anchor peers; Raft joins each orderer to
 * the channel's genesis block through the channel participation API (`osnadmin channel join`).
 */
export async function createChannel(context: NetworkContext): Promise<void> {
  const { home, topology, progress } = context;
  const channel = topology.options.channel;
  const creator = firstPeer(firstOrg(topology));
  const logFile = path.join(topology.paths.logs, 'setup.log');
  const adminOf = (peer: PeerNode) => peerAdminEnv(topology, orgOf(topology, peer), peer);

  if (topology.options.consensus === 'etcdraft') {
    for (const orderer of topology.orderers) {
      progress(`joining ${orderer.name} to channel ${channel} (osnadmin)`);
      await runFabric(
        'osnadmin',
        [
          'channel',
          'join',
          '--channelID',
          channel,
          '--config-block',
          channelBlockFile(topology),
          ...osnadminArgs(topology, orderer),
        ],
        { home, logFile },
      );
    }
    await waitFor(
      `the Raft cluster of channel ${channel} to elect a leader`,
      async () => {
        const output = await runFabric(
          'osnadmin',
          [
            'channel',
            'list',
            '--channelID',
            channel,
            ...osnadminArgs(topology, firstOrderer(topology)),
          ],
          {
            home,
          },
        );
        return (
          /"status":\s*"active"/.test(output) && /"consensusRelation":\s*"consenter"/.test(output)
        );
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  } else {
    progress(`creating channel ${channel} through the system channel (peer channel create)`);
    // The orderer answers SERVICE_UNAVAILABLE until its Kafka consumer has caught up, so the
    // create is retried; a channel that a previous attempt did create is fetched instead.
    const asCreator = { home, env: adminOf(creator), logFile };
    await waitFor(
      `the Kafka-based orderer to create channel ${channel}`,
      async () => {
        const fetched = await runFabric(
          'peer',
          [
            'channel',
            'fetch',
            '0',
            channelBlockFile(topology),
            '-c',
            channel,
            ...ordererArgs(topology),
          ],
          asCreator,
        ).then(
          () => true,
          () => false,
        );
        if (fetched) return true;
        await runFabric(
          'peer',
          [
            'channel',
            'create',
            '-c',
            channel,
            '-f',
            path.join(topology.paths.config, `${channel}.tx`),
            '--outputBlock',
            channelBlockFile(topology),
            ...ordererArgs(topology),
          ],
          asCreator,
        );
        return true;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
  }

  for (const peer of topology.orgs.flatMap((org) => org.peers)) {
    if (await peerJoined(context, peer)) continue;
    progress(`joining ${peer.name} to channel ${channel}`);
    await waitFor(
      `${peer.name} to join channel ${channel}`,
      async () => {
        await runFabric('peer', ['channel', 'join', '-b', channelBlockFile(topology)], {
          home,
          env: adminOf(peer),
          logFile,
        });
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
  }

  if (topology.options.consensus === 'kafka') {
    for (const org of topology.orgs) {
      progress(`setting the anchor peer of ${org.mspId}`);
      await runFabric(
        'peer',
        [
          'channel',
          'update',
          '-c',
          channel,
          '-f',
          path.join(topology.paths.config, `${org.mspId}-anchors.tx`),
          ...ordererArgs(topology),
        ],
        { home, env: adminOf(firstPeer(org)), logFile },
      );
    }
  }

  await waitChannelMembership(context);
}

/** Every peer lists the channel. */
export async function waitChannelMembership(context: NetworkContext): Promise<void> {
  for (const peer of context.topology.orgs.flatMap((org) => org.peers)) {
    await waitFor(
      `${peer.name} to be a member of channel ${context.topology.options.channel}`,
      () => peerJoined(context, peer),
      {
        timeoutMs: 60_000,
        intervalMs: 500,
      },
    );
  }
}

/** One gauge's value from a node's Prometheus /metrics text, for the given channel. */
async function channelGauge(
  operationsPort: number,
  metric: string,
  channel: string,
): Promise<number | undefined> {
  const response = await fetch(`http://${HOST}:${operationsPort}/metrics`, {
    signal: AbortSignal.timeout(2000),
  });
  const text = await response.text();
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith(`${metric}{channel="${channel}"}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * Waits until the channel can take transactions: under Raft, until one orderer leads it (a
 * restarted cluster elects first, and refuses transactions meanwhile with "no Raft leader"); and
 * until gossip has told every peer about every other, since a gateway plans endorsements only
 * over peers it knows of ("no combination of peers can be derived").
 */
export async function waitChannelServing(context: NetworkContext): Promise<void> {
  const { topology } = context;
  const channel = topology.options.channel;
  if (topology.options.consensus === 'etcdraft') {
    await waitFor(
      `a Raft leader for channel ${channel}`,
      async () => {
        const leaders = await Promise.all(
          topology.orderers.map((orderer) =>
            channelGauge(orderer.operationsPort, 'consensus_etcdraft_is_leader', channel),
          ),
        );
        return leaders.some((leader) => leader === 1);
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  }
  const peers = topology.orgs.flatMap((org) => org.peers);
  for (const peer of peers) {
    await waitFor(
      `${peer.name} to learn of the channel's other ${peers.length - 1} peer(s) through gossip`,
      async () =>
        ((await channelGauge(
          peer.operationsPort,
          'gossip_membership_total_peers_known',
          channel,
        )) ?? 0) >=
        peers.length - 1,
      { timeoutMs: 120_000, intervalMs: 500 },
    );
  }
}

/** The channel's block height as seen by a peer (`peer channel getinfo`). */
export async function channelHeight(
  context: Omit<NetworkContext, 'started' | 'progress'>,
  peer: PeerNode,
): Promise<number | undefined> {
  const org = orgOf(context.topology, peer);
  const output = await runFabric(
    'peer',
    ['channel', 'getinfo', '-c', context.topology.options.channel],
    {
      home: context.home,
      env: peerAdminEnv(context.topology, org, peer),
    },
  );
  const match = /"height":\s*(\d+)/.exec(output);
  return match ? Number(match[1]) : undefined;
}
