// SPDX-License-Identifier: Apache-2.0
import { caOrgOf } from '../ca/layout';
import { UserError } from '../errors';
import { orgAdmin, ordererAdmin } from '../fabric/config-update';
import type { NetworkContext } from '../fabric/network';
import { loadNetwork } from '../operations/status';
import { stopDaemon } from '../process/supervisor';
import { writeManifest } from '../state/manifest';
import { SYSTEM_CHANNEL } from '../templates/configtx';
import type { Org, Topology } from '../topology/topology';
import { buildTopology, firstOrg } from '../topology/topology';
import { membersOf } from './add-org';
import { leaveChaincodes, stopOrgChaincodes } from './chaincodes';
import { changeMembership, hasSystemChannel } from './collect';
import { forgetOrgServices, stopOrgServices } from './org-services';

export interface RemoveOrgResult {
  org: Org;
  topology: Topology;
  envelopes: string[];
  seconds: number;
}

function orgNamed(topology: Topology, name: string): Org {
  const org = topology.orgs.find(
    (candidate) => candidate.name === name || candidate.mspId === name,
  );
  if (!org) {
    throw new UserError(
      `no organization ${name} in this network`,
      `members: ${topology.orgs.map((candidate) => candidate.name).join(', ')}`,
    );
  }
  if (topology.orgs.length === 1) throw new UserError(`${org.name} is the network's only member`);
  if (org === firstOrg(topology)) {
    // the first org administers the token and runs the network's own admin commands
    throw new UserError(
      `${org.name} is the network's first organization, which administers its token and chaincode lifecycle; it cannot leave`,
    );
  }
  return org;
}

/**
 * Takes an organization out of the running network: endorsement policies that name it move on
 * first (while it can still approve), then the config updates that remove it (signed by the
 * remaining members' admins as the Admins policy needs), then its own services, peers,
 * chaincode services and CAs stop. Its ledgers stay in the state dir; the other members keep every block it wrote.
 */
export async function removeOrg(
  home: string,
  stateDir: string,
  name: string,
  progress: (line: string) => void,
): Promise<RemoveOrgResult> {
  const started = Date.now();
  const { topology: current, manifest } = loadNetwork(stateDir);
  const org = orgNamed(current, name);
  const context: NetworkContext = { home, topology: current, progress, started: [] };
  await leaveChaincodes(context, manifest, org);
  writeManifest(current.paths.manifest, manifest);

  const remaining = current.orgs.filter((member) => member !== org);
  const envelopes: (string | undefined)[] = [];
  envelopes.push(
    await changeMembership(context, {
      channel: current.options.channel,
      change: { remove: org.mspId },
      mspId: org.mspId,
      // the remaining members sign; the leaving org's admin only if they are too few
      admins: [...remaining, org].map((member) => orgAdmin(current, member)),
      label: `remove-${org.mspId}`,
    }),
  );
  if (hasSystemChannel(current)) {
    envelopes.push(
      await changeMembership(context, {
        channel: SYSTEM_CHANNEL,
        change: { remove: org.mspId },
        mspId: org.mspId,
        admins: [ordererAdmin(current)],
        label: `remove-${org.mspId}`,
      }),
    );
  }
  const members = membersOf(current).filter((member) => member.index !== org.index);
  const topology = buildTopology({ ...current.options, members });
  manifest.members = members;
  manifest.orgs = members.length;
  // its own services' data dirs stay, like its ledgers; `start` and `up` no longer run them
  forgetOrgServices(manifest, org);
  writeManifest(topology.paths.manifest, manifest);

  await stopOrgServices(current, org);
  await stopOrgChaincodes(context, manifest, org);
  for (const peer of org.peers) {
    progress(`stopping ${peer.name}`);
    await stopDaemon(current.paths.run, peer.name);
  }
  if (current.options.crypto === 'ca') {
    const cas = caOrgOf(current, org);
    for (const server of [cas.root, cas.intermediate, cas.tls]) {
      await stopDaemon(current.paths.run, server.name);
    }
  }
  writeManifest(topology.paths.manifest, manifest);
  return {
    org,
    topology,
    envelopes: envelopes.filter((file) => file !== undefined),
    seconds: Math.round((Date.now() - started) / 1000),
  };
}
