// SPDX-License-Identifier: Apache-2.0
/**
 * The optional last step (`--channel-participation`): Fabric 3 has no system channel, so the
 * migrated orderers drop theirs and are administered through the channel participation API
 * (`osnadmin`), like a network created as Raft. Fabric 2.5's procedure: each orderer runs with
 * `BootstrapMethod: none` and channel participation enabled (it finds the system channel in its
 * ledger), the system channel goes into maintenance mode so nothing is created through it any
 * more, and then each orderer in turn removes it (`osnadmin channel remove`). An orderer pauses
 * its application channels while it does, so one at a time leaves a quorum of the others.
 */
import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

import { fetchChannelConfig, ordererAdmin } from '../fabric/config-update';
import { osnadminArgs } from '../fabric/channel';
import { startOrderer } from '../fabric/network';
import { runFabric } from '../fabric/tools';
import { stopDaemon } from '../process/supervisor';
import { waitFor } from '../process/wait';
import { writeManifest } from '../state/manifest';
import { SYSTEM_CHANNEL } from '../templates/configtx';
import { ordererYaml } from '../templates/orderer-yaml';
import type { OrdererNode, Topology } from '../topology/topology';
import { buildTopology } from '../topology/topology';
import { waitLeadersAndHeights } from './channels';
import { readConsensusType, setConsensusState } from './consensus-type';
import type { MigrationContext } from './steps';
import { submitConfigEdit } from './submit';

/** What `osnadmin channel list` answers: the system channel (or null) and the others. */
export interface ParticipationList {
  systemChannel: { name: string } | null;
  channels: { name: string }[] | null;
}

/** The JSON body of osnadmin's answer, which it prints after a `Status: 200` line. */
export function parseChannelList(output: string): ParticipationList {
  const start = output.indexOf('{');
  const end = output.lastIndexOf('}');
  if (start < 0 || end < start) throw new Error(`osnadmin answered no channel list:\n${output}`);
  return JSON.parse(output.slice(start, end + 1)) as ParticipationList;
}

export async function listChannels(
  home: string,
  topology: Topology,
  orderer: OrdererNode,
): Promise<ParticipationList> {
  const output = await runFabric(
    'osnadmin',
    ['channel', 'list', ...osnadminArgs(topology, orderer)],
    { home },
  );
  return parseChannelList(output);
}

/** True when the orderer's config file already runs it without a bootstrap block. */
function runsWithoutBootstrap(orderer: OrdererNode): boolean {
  try {
    const yaml = YAML.parse(fs.readFileSync(path.join(orderer.dir, 'orderer.yaml'), 'utf8')) as {
      General?: { BootstrapMethod?: string };
      ChannelParticipation?: { Enabled?: boolean };
    };
    return yaml.General?.BootstrapMethod === 'none' && yaml.ChannelParticipation?.Enabled === true;
  } catch {
    return false;
  }
}

/** Restarts each orderer not yet configured so, one at a time, waiting for a quorum between. */
async function restartWithParticipation(
  context: MigrationContext,
  topology: Topology,
  channels: readonly string[],
): Promise<void> {
  const network = { home: context.home, topology, progress: context.progress, started: [] };
  for (const orderer of topology.orderers) {
    if (runsWithoutBootstrap(orderer)) continue;
    context.progress(
      `restarting ${orderer.name} with channel participation (BootstrapMethod none)`,
    );
    const yaml = YAML.stringify(ordererYaml(topology, orderer), { lineWidth: 0 });
    fs.writeFileSync(path.join(orderer.dir, 'orderer.yaml'), yaml);
    await stopDaemon(topology.paths.run, orderer.name);
    await startOrderer(network, orderer);
    await waitLeadersAndHeights(topology, channels);
  }
}

/** The system channel in maintenance mode, unless the first orderer has removed it already. */
async function systemChannelMaintenance(
  context: MigrationContext,
  topology: Topology,
): Promise<void> {
  const [first] = topology.orderers;
  if (!first) return;
  if ((await listChannels(context.home, topology, first)).systemChannel === null) return;
  const config = { home: context.home, topology };
  const current = await fetchChannelConfig(config, SYSTEM_CHANNEL, ordererAdmin(topology));
  if (readConsensusType(current).state === 'STATE_MAINTENANCE') return;
  context.progress(`${SYSTEM_CHANNEL}: entering maintenance mode before its removal`);
  const updated = structuredClone(current);
  setConsensusState(updated, 'STATE_MAINTENANCE');
  await submitConfigEdit(
    config,
    SYSTEM_CHANNEL,
    current,
    updated,
    'maintenance mode',
    (now) => readConsensusType(now).state === 'STATE_MAINTENANCE',
  );
}

/**
 * Removes the system channel from every orderer. Recorded first in network.json (no system
 * channel): from then on `up` starts the orderers as a network created as Raft is started.
 */
export async function removeSystemChannel(context: MigrationContext): Promise<void> {
  const topology = buildTopology({ ...context.after.options, systemChannel: false });
  const channels = context.channels.filter((channel) => channel !== SYSTEM_CHANNEL);
  context.manifest.systemChannel = false;
  writeManifest(topology.paths.manifest, context.manifest);
  await restartWithParticipation(context, topology, channels);
  await systemChannelMaintenance(context, topology);
  for (const orderer of topology.orderers) {
    const listed = await listChannels(context.home, topology, orderer);
    if (listed.systemChannel !== null) {
      context.progress(`${orderer.name}: removing the system channel (osnadmin channel remove)`);
      await runFabric(
        'osnadmin',
        [
          'channel',
          'remove',
          '--channelID',
          listed.systemChannel.name,
          ...osnadminArgs(topology, orderer),
        ],
        { home: context.home },
      );
    }
    await waitFor(
      `${orderer.name} to list no system channel`,
      async () =>
        (await listChannels(context.home, topology, orderer).catch(() => undefined))
          ?.systemChannel === null,
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    // the orderer paused its application channels while it removed the system channel
    await waitLeadersAndHeights(topology, channels);
  }
  context.progress(
    `${topology.orderers.length} orderer(s) serve ${channels.join(', ')} through channel participation, without a system channel`,
  );
}
