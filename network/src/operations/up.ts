// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';

import { UserError } from '../errors';
import { provideCrypto } from '../ca/crypto';
import { restartChaincodeServices } from '../chaincode/service';
import { generateChannelArtifacts, writeNodeConfigs } from '../fabric/artifacts';
import { createChannel, waitChannelMembership } from '../fabric/channel';
import { waitChannelServing } from '../fabric/channel-info';
import type { NetworkContext } from '../fabric/network';
import { startNodes } from '../fabric/network';
import { assertFabricInstalled } from '../fabric/tools';
import { checkPrerequisites } from '../install/component';
import { fabricReleaseInUse } from '../install/fabric';
import { kafkaComponent } from '../install/kafka';
import { assertPortsFree } from '../process/ports';
import { isOurs, readPidRecord } from '../process/supervisor';
import type { NetworkManifest } from '../state/manifest';
import {
  manifestFromOptions,
  manifestPath,
  optionsFromManifest,
  readManifest,
  writeManifest,
} from '../state/manifest';
import {
  ephemeralPortRange,
  ephemeralPortWarning,
  reservedPorts,
} from '../topology/ephemeral-ports';
import type { NetworkOptions, RawNetworkOptions } from '../topology/options';
import { parseNetworkOptions } from '../topology/options';
import type { Topology } from '../topology/topology';
import { buildTopology, networkPorts, nodePorts } from '../topology/topology';
import { stopStarted } from './down';

export interface UpResult {
  topology: Topology;
  manifest: NetworkManifest;
  restarted: boolean;
}

/** The options and manifest of the network in a state dir: an existing one wins over defaults. */
export function resolveNetwork(raw: RawNetworkOptions): {
  options: NetworkOptions;
  manifest?: NetworkManifest;
} {
  const parsed = parseNetworkOptions(raw);
  const manifest = readManifest(manifestPath(parsed.stateDir));
  if (!manifest) {
    if (fs.existsSync(parsed.stateDir) && fs.readdirSync(parsed.stateDir).length > 0) {
      throw new UserError(
        `${parsed.stateDir} is not empty but holds no network.json, so it is not a network this tool can restart`,
        'pass an empty or new --state-dir, or remove that directory',
      );
    }
    return { options: parsed };
  }
  const explicit: Partial<Record<keyof NetworkOptions, unknown>> = {
    consensus: raw.consensus,
    crypto: raw.crypto,
    orgs: raw.orgs === undefined ? undefined : parsed.orgs,
    peersPerOrg: raw.peersPerOrg === undefined ? undefined : parsed.peersPerOrg,
    channel: raw.channel,
    basePort: raw.basePort === undefined ? undefined : parsed.basePort,
  };
  return { options: optionsFromManifest(manifest, parsed.stateDir, explicit), manifest };
}

/**
 * Brings up a network, or restarts the one already in the state dir with its ledgers. Nothing is
 * left half-started: on failure every process this call started is stopped, and a state dir this
 * call created is removed.
 */
export async function up(
  home: string,
  raw: RawNetworkOptions,
  progress: (message: string) => void,
): Promise<UpResult> {
  const { options, manifest: existing } = resolveNetwork(raw);
  const topology = buildTopology(options);
  await assertCanStart(home, topology);
  const portWarning = ephemeralPortWarning(
    networkPorts(topology).map((use) => use.port),
    ephemeralPortRange(),
    reservedPorts(),
  );
  if (portWarning) progress(portWarning);

  const manifest = existing ?? manifestFromOptions(options, fabricReleaseInUse(home));
  const context: NetworkContext = { home, topology, progress, started: [] };
  try {
    if (!existing) {
      await createNetworkFiles(context, manifest);
    } else {
      progress(`restarting the ${options.consensus} network in ${options.stateDir}`);
      await provideCrypto(context, false);
    }
    await startNodes(context);
    await ensureChannel(context, manifest);
    await waitChannelServing(context);
    await restartChaincodeServices(context, manifest);
  } catch (error) {
    progress('stopping what this command started');
    await stopStarted(topology.paths.run, context.started);
    if (!existing) fs.rmSync(options.stateDir, { recursive: true, force: true });
    throw error;
  }
  return { topology, manifest, restarted: existing !== undefined };
}

/** The ports are free (but for this network's own running nodes) and the programs installed. */
async function assertCanStart(home: string, topology: Topology): Promise<void> {
  const running = (name: string) => {
    const record = readPidRecord(topology.paths.run, name);
    return record !== undefined && isOurs(record);
  };
  await assertPortsFree(nodePorts(topology).filter((use) => !running(use.process)));
  assertFabricInstalled(home);
  if (topology.options.consensus === 'kafka') {
    checkPrerequisites(['java']);
    if (!kafkaComponent.isInstalled(home)) {
      throw new UserError(
        'Kafka consensus needs the Kafka broker, which is not installed',
        'run `consortia install kafka`',
      );
    }
  }
}

/** A new network's state dir: crypto material, channel artifacts, node configs, network.json. */
async function createNetworkFiles(
  context: NetworkContext,
  manifest: NetworkManifest,
): Promise<void> {
  const { topology, progress } = context;
  const { options } = topology;
  progress(`creating a ${options.consensus} network in ${options.stateDir}`);
  fs.mkdirSync(options.stateDir, { recursive: true });
  await provideCrypto(context, true);
  await generateChannelArtifacts(context);
  writeNodeConfigs(topology);
  writeManifest(topology.paths.manifest, manifest);
}

/** Creates the channel once; later starts only wait for the peers to list it again. */
async function ensureChannel(context: NetworkContext, manifest: NetworkManifest): Promise<void> {
  if (manifest.channelReady) {
    await waitChannelMembership(context);
    return;
  }
  await createChannel(context);
  manifest.channelReady = true;
  writeManifest(context.topology.paths.manifest, manifest);
}
