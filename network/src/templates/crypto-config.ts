// SPDX-License-Identifier: Apache-2.0
import type { Topology } from '../topology/topology';
import { HOST, TLS_HOST_NAME } from '../topology/topology';

/**
 * cryptogen's input: one orderer organization and one organization per member, NodeOUs on (so
 * policies can name admin, peer and client roles), and certificates valid for loopback names
 * because every node listens on this machine.
 */
export function cryptoConfig(topology: Topology): object {
  const sans = [TLS_HOST_NAME, HOST];
  return {
    OrdererOrgs: [
      {
        Name: 'Orderer',
        Domain: topology.ordererDomain,
        EnableNodeOUs: true,
        Specs: topology.orderers.map((orderer) => ({ Hostname: orderer.name, SANS: sans })),
      },
    ],
    PeerOrgs: topology.orgs.map((org) => ({
      Name: org.name,
      Domain: org.domain,
      EnableNodeOUs: true,
      Template: { Count: org.peers.length, SANS: sans },
      Users: { Count: 1 },
    })),
  };
}
