// SPDX-License-Identifier: Apache-2.0
/**
 * What the migration reads of the ordering service: the channels the orderers serve, each
 * channel's consensus type and state, Raft leadership and block heights.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { ConfigUpdateContext, Json } from '../fabric/config-update';
import { fetchChannelConfig, ordererAdmin } from '../fabric/config-update';
import { channelGauge, channelHeight } from '../fabric/channel-info';
import { waitFor } from '../process/wait';
import { SYSTEM_CHANNEL } from '../templates/configtx';
import type { Topology } from '../topology/topology';
import type { ConsensusTypeValue } from './consensus-type';
import { readConsensusType } from './consensus-type';

/** A loaded machine can take seconds to answer; a missed answer only delays a wait. */
const METRICS_TIMEOUT_MS = 10_000;

/**
 * The channels the orderers hold, the system channel first: each has a ledger directory under
 * the orderer's file ledger. The system channel exists under Kafka whatever else does.
 */
export function orderedChannels(topology: Topology): string[] {
  const names = new Set<string>([SYSTEM_CHANNEL, topology.options.channel]);
  for (const orderer of topology.orderers) {
    const chains = path.join(orderer.dir, 'data', 'chains');
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(chains).filter((entry) => {
        return fs.statSync(path.join(chains, entry)).isDirectory();
      });
    } catch {
      // an orderer that never ran has no ledger yet
    }
    for (const entry of entries) names.add(entry);
  }
  const application = [...names].filter((name) => name !== SYSTEM_CHANNEL).sort();
  return [SYSTEM_CHANNEL, ...application];
}

export interface ChannelConsensus extends ConsensusTypeValue {
  channel: string;
  config: Json;
}

/** Each channel's current config and consensus, read as the ordering service's admin. */
export async function readChannels(
  context: ConfigUpdateContext,
  channels: readonly string[],
): Promise<ChannelConsensus[]> {
  const admin = ordererAdmin(context.topology);
  const result: ChannelConsensus[] = [];
  for (const channel of channels) {
    const config = await fetchChannelConfig(context, channel, admin);
    result.push({ channel, config, ...readConsensusType(config) });
  }
  return result;
}

/** The orderers leading the channel under Raft (0 when it has no leader yet). */
export async function raftLeaders(topology: Topology, channel: string): Promise<string[]> {
  const leaders: string[] = [];
  for (const orderer of topology.orderers) {
    const leader = await channelGauge(
      orderer.operationsPort,
      'consensus_etcdraft_is_leader',
      channel,
      METRICS_TIMEOUT_MS,
    ).catch(() => undefined);
    if (leader === 1) leaders.push(orderer.name);
  }
  return leaders;
}

/** Each orderer's height of the channel's ledger, from its metrics; undefined when unknown. */
export async function ordererHeights(
  topology: Topology,
  channel: string,
): Promise<(number | undefined)[]> {
  return Promise.all(
    topology.orderers.map((orderer) =>
      channelGauge(
        orderer.operationsPort,
        'ledger_blockchain_height',
        channel,
        METRICS_TIMEOUT_MS,
      ).catch(() => undefined),
    ),
  );
}

/** Waits until one orderer leads every channel and all orderers hold the same height of each. */
export async function waitLeadersAndHeights(
  topology: Topology,
  channels: readonly string[],
  timeoutMs = 300_000,
): Promise<Record<string, { leader: string; height: number }>> {
  const seen: Record<string, { leader: string; height: number }> = {};
  for (const channel of channels) {
    let last = '';
    await waitFor(
      `a Raft leader for channel ${channel} and equal heights on every orderer`,
      async () => {
        const leaders = await raftLeaders(topology, channel);
        const heights = await ordererHeights(topology, channel);
        last = `leaders [${leaders.join(', ')}], heights [${heights.map(String).join(', ')}]`;
        const height = heights[0];
        if (leaders.length !== 1 || height === undefined) return false;
        if (heights.some((other) => other !== height)) return false;
        seen[channel] = { leader: leaders[0] ?? '', height };
        return true;
      },
      { timeoutMs, intervalMs: 500, onTimeout: () => `last seen: ${last}` },
    );
  }
  return seen;
}

/**
 * Waits until every peer holds at least the height the orderers have of the application channel
 * now (`peer channel getinfo`): blocks still on their way to a peer, config blocks included, are
 * then applied everywhere.
 */
export async function waitPeersCaughtUp(
  context: ConfigUpdateContext,
  timeoutMs: number,
): Promise<{ target: number; peers: Record<string, number> }> {
  const { topology } = context;
  const channel = topology.options.channel;
  const heights = await ordererHeights(topology, channel);
  const target = Math.max(...heights.map((height) => height ?? 0));
  const peers: Record<string, number> = {};
  for (const peer of topology.orgs.flatMap((org) => org.peers)) {
    await waitFor(
      `${peer.name} to reach height ${target} of channel ${channel}`,
      async () => {
        const height = await channelHeight(context, peer).catch(() => undefined);
        if (height !== undefined) peers[peer.name] = height;
        return height !== undefined && height >= target;
      },
      { timeoutMs, intervalMs: 1000 },
    );
  }
  return { target, peers };
}
