// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import { waitFor } from '../process/wait';
import type { OrdererNode, PeerNode, Topology } from '../topology/topology';
import {
  firstOrderer,
  firstOrg,
  firstPeer,
  HOST,
  orgOf,
  ordererAdminDir,
  ordererTlsCaFile,
} from '../topology/topology';
import { anchorUpdateFile } from './artifacts';
import type { NetworkContext } from './network';
import { channelBlockFile, ordererArgs, peerAdminEnv, runFabric, setupLogFile } from './tools';

/**
 * Creates the application channel and joins every peer. Kafka consensus creates it through the
 * system channel (`peer channel create`) and then sets anchor peers; Raft joins each orderer to
 * the channel's genesis block through the channel participation API (`osnadmin channel join`).
 */
export async function createChannel(context: NetworkContext): Promise<void> {
  if (context.topology.options.consensus === 'etcdraft') {
    await joinOrderers(context);
    await waitRaftConsenters(context);
  } else {
    await createThroughSystemChannel(context);
  }
  await joinPeers(context);
  if (context.topology.options.consensus === 'kafka') {
    await setAnchorPeers(context);
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

/** Raft: each orderer joins the channel's genesis block (`osnadmin channel join`). */
async function joinOrderers({ home, topology, progress }: NetworkContext): Promise<void> {
  const channel = topology.options.channel;
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
      { home, logFile: setupLogFile(topology) },
    );
  }
}

/** Raft: the first orderer reports the channel active with itself as a consenter. */
async function waitRaftConsenters({ home, topology }: NetworkContext): Promise<void> {
  const channel = topology.options.channel;
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
        { home },
      );
      return (
        /"status":\s*"active"/.test(output) && /"consensusRelation":\s*"consenter"/.test(output)
      );
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

/** Kafka: the first org's admin creates the channel through the system channel. */
async function createThroughSystemChannel({
  home,
  topology,
  progress,
}: NetworkContext): Promise<void> {
  const channel = topology.options.channel;
  const creator = firstPeer(firstOrg(topology));
  progress(`creating channel ${channel} through the system channel (peer channel create)`);
  // The orderer answers SERVICE_UNAVAILABLE until its Kafka consumer has caught up, so the
  // create is retried; a channel that a previous attempt did create is fetched instead.
  const asCreator = {
    home,
    env: peerAdminEnv(topology, orgOf(topology, creator), creator),
    logFile: setupLogFile(topology),
  };
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

/** Each peer not yet on the channel joins it from the channel's genesis block. */
async function joinPeers(context: NetworkContext): Promise<void> {
  const { home, topology, progress } = context;
  const channel = topology.options.channel;
  for (const peer of topology.orgs.flatMap((org) => org.peers)) {
    if (await peerJoined(context, peer)) continue;
    progress(`joining ${peer.name} to channel ${channel}`);
    await waitFor(
      `${peer.name} to join channel ${channel}`,
      async () => {
        await runFabric('peer', ['channel', 'join', '-b', channelBlockFile(topology)], {
          home,
          env: peerAdminEnv(topology, orgOf(topology, peer), peer),
          logFile: setupLogFile(topology),
        });
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
  }
}

/** Kafka: each org's admin sends the org's anchor peer update made with the channel artifacts. */
async function setAnchorPeers({ home, topology, progress }: NetworkContext): Promise<void> {
  for (const org of topology.orgs) {
    progress(`setting the anchor peer of ${org.mspId}`);
    await runFabric(
      'peer',
      [
        'channel',
        'update',
        '-c',
        topology.options.channel,
        '-f',
        anchorUpdateFile(topology, org.mspId),
        ...ordererArgs(topology),
      ],
      { home, env: peerAdminEnv(topology, org, firstPeer(org)), logFile: setupLogFile(topology) },
    );
  }
}

async function peerJoined(context: NetworkContext, peer: PeerNode): Promise<boolean> {
  const org = orgOf(context.topology, peer);
  const output = await runFabric('peer', ['channel', 'list'], {
    home: context.home,
    env: peerAdminEnv(context.topology, org, peer),
  });
  return output.split('\n').some((line) => line.trim() === context.topology.options.channel);
}

export function osnadminArgs(topology: Topology, orderer: OrdererNode): string[] {
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
