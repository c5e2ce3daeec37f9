// SPDX-License-Identifier: Apache-2.0
/**
 * Growing the migrated Raft cluster to the number of consenters that tolerates a crash (three
 * tolerate one). A Kafka network here has one orderer; Fabric adds Raft consenters one at a
 * time, so that a quorum always exists: the new orderer becomes a consenter of the system
 * channel, starts from that channel's newest config block and replicates the ledgers from the
 * running orderers, then becomes a consenter of each application channel.
 */
import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

import type { ConfigUpdateContext, Json } from '../fabric/config-update';
import { ordererAdmin } from '../fabric/config-update';
import { startOrderer } from '../fabric/network';
import { ordererArgs, runFabric, setupLogFile } from '../fabric/tools';
import { isOurs, readPidRecord } from '../process/supervisor';
import { writeManifest } from '../state/manifest';
import { SYSTEM_CHANNEL } from '../templates/configtx';
import { ordererYaml } from '../templates/orderer-yaml';
import type { OrdererNode, Topology } from '../topology/topology';
import { buildTopology, HOST } from '../topology/topology';
import { readChannels, waitLeadersAndHeights } from './channels';
import type { RaftConsenter } from './consensus-type';
import { raftMetadata } from './consensus-type';
import { provideOrdererCrypto } from './orderer-crypto';
import type { MigrationContext } from './steps';
import { submitConfigEdit } from './submit';

/** The Raft cluster's size after the migration: it tolerates the crash of one orderer. */
export const TARGET_CONSENTERS = 3;

/** The network with `count` orderers, as the migration grows it. */
export function withOrderers(context: MigrationContext, count: number): Topology {
  return buildTopology({ ...context.after.options, orderers: count });
}

function consenters(config: Json): RaftConsenter[] {
  const groups = (config.channel_group as Json).groups as Json;
  const values = (groups.Orderer as Json).values as Json;
  const value = (values.ConsensusType as Json).value as Json;
  return ((value.metadata as Json | null)?.consenters as RaftConsenter[] | undefined) ?? [];
}

/** Adds the orderer as a consenter and its address to the orderer org's endpoints. */
export function addConsenter(config: Json, consenter: RaftConsenter): void {
  const groups = (config.channel_group as Json).groups as Json;
  const orderer = groups.Orderer as Json;
  const value = ((orderer.values as Json).ConsensusType as Json).value as Json;
  const metadata = value.metadata as Json;
  metadata.consenters = [...consenters(config), consenter];
  // the ordering service has one organization, whose endpoints the peers and clients use
  const org = Object.values(orderer.groups as Json)[0] as Json | undefined;
  const endpoints = (org?.values as Json | undefined)?.Endpoints as Json | undefined;
  const addresses = (endpoints?.value as Json | undefined)?.addresses as string[] | undefined;
  const address = `${consenter.host}:${consenter.port}`;
  if (addresses && !addresses.includes(address)) addresses.push(address);
}

function isConsenter(config: Json, consenter: RaftConsenter): boolean {
  return consenters(config).some(
    (existing) => existing.host === consenter.host && existing.port === consenter.port,
  );
}

/**
 * orderer.yaml of a joining orderer, which bootstraps from the system channel's newest config
 * block as the orderers serve it: the raw block, since the orderer checks its hash against the
 * chain it replicates. A joining orderer that is not running has nothing of its own in its
 * ledger (it only replicates), so one left by an earlier attempt is started afresh.
 */
async function writeJoiningConfig(
  config: ConfigUpdateContext,
  grown: Topology,
  orderer: OrdererNode,
): Promise<void> {
  const running = readPidRecord(grown.paths.run, orderer.name);
  if (running && isOurs(running)) return;
  for (const dir of ['data', 'etcdraft']) {
    fs.rmSync(path.join(orderer.dir, dir), { recursive: true, force: true });
  }
  fs.mkdirSync(orderer.dir, { recursive: true });
  const bootstrap = path.join(orderer.dir, 'bootstrap.block');
  await runFabric(
    'peer',
    ['channel', 'fetch', 'config', bootstrap, '-c', SYSTEM_CHANNEL, ...ordererArgs(grown)],
    { home: config.home, env: ordererAdmin(grown).env, logFile: setupLogFile(grown) },
  );
  const yaml = ordererYaml(grown, orderer) as { General: Json };
  yaml.General.BootstrapFile = bootstrap;
  fs.writeFileSync(path.join(orderer.dir, 'orderer.yaml'), YAML.stringify(yaml, { lineWidth: 0 }));
}

/** One channel's consenter update, skipped when the orderer is a consenter already. */
async function addToChannel(
  context: MigrationContext,
  config: ConfigUpdateContext,
  channel: string,
  consenter: RaftConsenter,
): Promise<void> {
  const [current] = await readChannels(config, [channel]);
  if (!current || isConsenter(current.config, consenter)) return;
  context.progress(`${channel}: adding the consenter ${consenter.host}:${consenter.port}`);
  const updated = structuredClone(current.config);
  addConsenter(updated, consenter);
  await submitConfigEdit(config, channel, current.config, updated, 'a new consenter', (now) =>
    isConsenter(now, consenter),
  );
}

/** Adds orderers one at a time until the cluster has TARGET_CONSENTERS. */
export async function addOrderers(context: MigrationContext, target = TARGET_CONSENTERS) {
  for (let count = context.after.orderers.length + 1; count <= target; count++) {
    const grown = withOrderers(context, count);
    const orderer = grown.orderers[count - 1];
    if (!orderer) throw new Error(`no orderer ${count - 1}`);
    const config = { home: context.home, topology: grown };
    context.progress(`adding ${orderer.name} (${HOST}:${orderer.port}) to the Raft cluster`);
    await provideOrdererCrypto(context, grown, orderer);
    const consenter = raftMetadata(grown).consenters[count - 1];
    if (!consenter) throw new Error(`no consenter for ${orderer.name}`);
    await addToChannel(context, config, SYSTEM_CHANNEL, consenter);
    await writeJoiningConfig(config, grown, orderer);
    await startOrderer(
      { home: context.home, topology: grown, progress: context.progress, started: [] },
      orderer,
    );
    // it has replicated the system channel and joined its cluster before any application
    // channel counts on it for a quorum
    await waitLeadersAndHeights(grown, [SYSTEM_CHANNEL], 300_000);
    for (const channel of context.channels.filter((name) => name !== SYSTEM_CHANNEL)) {
      await addToChannel(context, config, channel, consenter);
    }
    const seen = await waitLeadersAndHeights(grown, context.channels, 300_000);
    for (const [channel, { leader, height }] of Object.entries(seen)) {
      context.progress(`${channel}: led by ${leader}, height ${height} on ${count} orderers`);
    }
    context.manifest.orderers = count;
    writeManifest(grown.paths.manifest, context.manifest);
    context.after = grown;
  }
}
