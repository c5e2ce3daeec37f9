// SPDX-License-Identifier: Apache-2.0
import { UserError } from '../errors';
import { peerAdminEnv } from '../fabric/tools';
import { fabricBinDir } from '../install/fabric';
import type { Topology } from '../topology/topology';
import { firstOrderer, HOST, ordererTlsCaFile } from '../topology/topology';

/**
 * Shell exports that let an admin use the plain `peer` CLI as an org's admin against one of
 * its peers, e.g. `peer channel list`.
 */
export function adminExports(
  home: string,
  topology: Topology,
  orgName: string,
  peerIndex: number,
): string {
  const org = topology.orgs.find(
    (candidate) => candidate.name.toLowerCase() === orgName.toLowerCase(),
  );
  if (!org) {
    throw new UserError(
      `no org named '${orgName}'`,
      `choose one of ${topology.orgs.map((candidate) => candidate.name).join(', ')}`,
    );
  }
  const peer = org.peers[peerIndex];
  if (!peer) {
    throw new UserError(
      `${org.name} has no peer ${peerIndex}`,
      `choose --peer 0..${org.peers.length - 1}`,
    );
  }
  const orderer = firstOrderer(topology);
  const variables: Record<string, string> = {
    PATH: `${fabricBinDir(home)}:$PATH`,
    ...peerAdminEnv(topology, org, peer),
    ORDERER_ADDRESS: `${HOST}:${orderer.port}`,
    ORDERER_CA: ordererTlsCaFile(topology),
    CHANNEL_NAME: topology.options.channel,
  };
  const quote = (value: string) =>
    value.includes('$PATH') ? `"${value}"` : `'${value.replace(/'/g, `'\\''`)}'`;
  return Object.entries(variables)
    .map(([name, value]) => `export ${name}=${quote(value)}`)
    .join('\n');
}
