// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../errors';
import { channelHeight, waitChannelServing } from '../fabric/channel-info';
import type { ConfigUpdateContext, Json } from '../fabric/config-update';
import { orgAdmin, ordererAdmin } from '../fabric/config-update';
import type { NetworkContext } from '../fabric/network';
import { startPeer } from '../fabric/network';
import { channelBlockFile, peerAdminEnv, runFabric, setupLogFile } from '../fabric/tools';
import { waitFor } from '../process/wait';
import { stopStarted } from '../operations/down';
import { loadNetwork } from '../operations/status';
import { writeManifest } from '../state/manifest';
import { SYSTEM_CHANNEL } from '../templates/configtx';
import type { OrgMember } from '../topology/options';
import { LIMITS } from '../topology/options';
import type { Org, Topology } from '../topology/topology';
import { buildTopology, firstOrg, firstPeer } from '../topology/topology';
import { joinChaincodes } from './chaincodes';
import { changeMembership, hasSystemChannel } from './collect';
import { orgDefinition, provideOrgCrypto, writeOrgPeerConfigs } from './org-material';
import type { OrgService } from './org-services';
import { orgServicesRecord, startOrgServices } from './org-services';

export interface AddOrgRequest {
  /** Org<n>; by default the next free index. */
  name?: string;
  peers: number;
  /**
   * Also start the org's own DAPP and datasync, serving this chaincode; network.json records
   * them, so `start` and `up` run them again and `status` lists them.
   */
  services?: { chaincode: string };
}

export interface AddOrgResult {
  org: Org;
  topology: Topology;
  envelopes: string[];
  /** The org's own services that run, when asked for. */
  services: OrgService[];
  seconds: number;
}

export function membersOf(topology: Topology): OrgMember[] {
  return topology.orgs.map((org) => ({ index: org.index, peers: org.peers.length }));
}

/** The index of the org to add, refusing names the layout cannot give ports to or that were used. */
export function newOrgIndex(topology: Topology, name: string | undefined): number {
  const used = topology.orgs.map((org) => org.index);
  const index =
    name === undefined ? Math.max(0, ...used) + 1 : Number(/^Org(\d+)$/.exec(name)?.[1]);
  if (!Number.isInteger(index) || index < 1) {
    throw new UserError(
      `an organization name is Org<n>, got '${String(name)}'`,
      'e.g. --name Org3',
    );
  }
  if (used.includes(index)) throw new UserError(`Org${index} is already a member of this network`);
  if (index > LIMITS.orgs.max) {
    throw new UserError(
      `a local network has room for Org1..Org${LIMITS.orgs.max}, not Org${index}`,
    );
  }
  return index;
}

/** The org's peers join the channel from its genesis block and catch up from the orderer. */
async function joinPeers(context: NetworkContext, org: Org): Promise<void> {
  const { home, topology, progress } = context;
  for (const peer of org.peers) {
    progress(`starting ${peer.name} and joining it to channel ${topology.options.channel}`);
    await startPeer(context, peer);
    await waitFor(
      `${peer.name} to join channel ${topology.options.channel}`,
      async () => {
        await runFabric('peer', ['channel', 'join', '-b', channelBlockFile(topology)], {
          home,
          env: peerAdminEnv(topology, org, peer),
          logFile: setupLogFile(topology),
        });
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
  }
}

/** Until each of the org's peers holds as many blocks as the first org's first peer. */
async function waitCaughtUp(context: NetworkContext, org: Org): Promise<void> {
  const reference = firstPeer(firstOrg(context.topology));
  for (const peer of org.peers) {
    await waitFor(
      `${peer.name} to reach the channel's height`,
      async () => {
        const [target, height] = await Promise.all([
          channelHeight(context, reference),
          channelHeight(context, peer).catch(() => undefined),
        ]);
        return target !== undefined && height !== undefined && height >= target;
      },
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
  }
}

/**
 * The config updates that make the org a member: of the system channel's consortium (by the
 * ordering service's admin), then of the application channel (signed by the members' admins).
 */
async function addToChannels(
  existing: ConfigUpdateContext & { progress: (line: string) => void },
  current: Topology,
  org: Org,
  definition: Json,
  envelopes: (string | undefined)[],
): Promise<void> {
  if (hasSystemChannel(current)) {
    envelopes.push(
      await changeMembership(existing, {
        channel: SYSTEM_CHANNEL,
        change: { add: definition },
        mspId: org.mspId,
        admins: [ordererAdmin(current)],
        label: `add-${org.mspId}`,
      }),
    );
  }
  envelopes.push(
    await changeMembership(existing, {
      channel: current.options.channel,
      change: { add: definition },
      mspId: org.mspId,
      admins: current.orgs.map((member) => orgAdmin(current, member)),
      label: `add-${org.mspId}`,
    }),
  );
}

/**
 * Adds an organization to the running network in the state dir: its crypto material and peer
 * configs, the config updates that make it a member (signed by as many existing admins as the
 * channel's Admins policy needs), its peers started and joined, and the deployed chaincodes
 * installed and approved for it. network.json records it once the channel has it, so `status`,
 * `down` and `up` include it.
 */
export async function addOrg(
  home: string,
  stateDir: string,
  request: AddOrgRequest,
  progress: (line: string) => void,
): Promise<AddOrgResult> {
  const started = Date.now();
  const { topology: current, manifest } = loadNetwork(stateDir);
  const index = newOrgIndex(current, request.name);
  const members = [...membersOf(current), { index, peers: request.peers }];
  const topology = buildTopology({ ...current.options, members });
  const org = topology.orgs.find((candidate) => candidate.index === index);
  if (!org) throw new Error(`Org${index} is missing from the new layout`);
  // a peer that ever ran has a ledger; an attempt that stopped before any peer started is redone
  if (org.peers.some((peer) => fs.existsSync(path.join(peer.dir, 'data')))) {
    throw new UserError(
      `${org.name} was a member of this network before; its nodes' state is still in ${stateDir}`,
      'add the organization under another name',
    );
  }
  const context: NetworkContext = { home, topology, progress, started: [] };
  // signatures and reads come from the members the channel has now
  const existing = { home, topology: current, progress };
  const envelopes: (string | undefined)[] = [];
  try {
    await provideOrgCrypto(context, org);
    writeOrgPeerConfigs(topology, org);
    const definition = await orgDefinition(context, org);
    await addToChannels(existing, current, org, definition, envelopes);
  } catch (error) {
    // before the channel has the org, nothing of it needs to keep running
    await stopStarted(topology.paths.run, context.started);
    throw error;
  }
  manifest.members = members;
  manifest.orgs = members.length;
  writeManifest(topology.paths.manifest, manifest);

  await joinPeers(context, org);
  await waitCaughtUp(context, org);
  await waitChannelServing(context);
  await joinChaincodes(context, manifest, org);
  writeManifest(topology.paths.manifest, manifest);
  let services: OrgService[] = [];
  if (request.services) {
    // recorded first, so that `start` and `up` run them again even if this start fails
    const record = orgServicesRecord(topology, org, request.services.chaincode);
    manifest.orgServices = { ...manifest.orgServices, [org.mspId]: record };
    writeManifest(topology.paths.manifest, manifest);
    services = await startOrgServices(topology, org, record, [], progress);
  }
  return {
    org,
    topology,
    envelopes: envelopes.filter((file) => file !== undefined),
    services,
    seconds: Math.round((Date.now() - started) / 1000),
  };
}
