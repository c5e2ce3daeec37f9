// SPDX-License-Identifier: Apache-2.0
import { waitFor } from '../process/wait';
import type { PeerNode } from '../topology/topology';
import { HOST, orgOf } from '../topology/topology';
import type { NetworkContext } from './network';
import { peerAdminEnv, runFabric } from './tools';

/** One gauge's value from a node's Prometheus /metrics text, for the given channel. */
export async function channelGauge(
  operationsPort: number,
  metric: string,
  channel: string,
  timeoutMs = 2000,
): Promise<number | undefined> {
  const response = await fetch(`http://${HOST}:${operationsPort}/metrics`, {
    signal: AbortSignal.timeout(timeoutMs),
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
