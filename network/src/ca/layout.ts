// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import type { Org, Topology } from '../topology/topology';
import { HOST, ORDERER_MSP_ID, TLS_HOST_NAME } from '../topology/topology';

/**
 * The certificate authorities of a network whose certificates come from Fabric CA. Each
 * organization (and the orderer organization) runs three: a root CA that signs only its
 * intermediate, the intermediate that enrolls the org's nodes, admins and users, and a TLS CA
 * that issues the TLS certificates. Ports follow the base port P: org o (0 for the orderer
 * org) uses P+3o (root), P+3o+1 (intermediate) and P+3o+2 (TLS).
 */
export type CaRole = 'root' | 'intermediate' | 'tls';

export interface CaServer {
  /** Process name, as `consortia status` and the pid records name it. */
  name: string;
  role: CaRole;
  /** The name clients ask for (`caname`); also the CN of a root's certificate. */
  caName: string;
  port: number;
  /** The server's home: its configuration, SQLite database, keys and certificates. */
  dir: string;
}

export interface CaOrg {
  /** 'orderer' or the org's name in lower case (org1, org2, ...). */
  key: string;
  mspId: string;
  domain: string;
  /** ordererOrganizations or peerOrganizations, as in the crypto layout. */
  kind: 'ordererOrganizations' | 'peerOrganizations';
  root: CaServer;
  intermediate: CaServer;
  tls: CaServer;
}

function caOrg(topology: Topology, slot: number, key: string, mspId: string, domain: string) {
  const base = topology.options.basePort + 3 * slot;
  const dir = path.join(caRootDir(topology), key);
  const server = (role: CaRole, offset: number, prefix: string): CaServer => ({
    name: `ca-${key}-${role === 'intermediate' ? 'ica' : role}`,
    role,
    caName: `${prefix}.${domain}`,
    port: base + offset,
    dir: path.join(dir, role),
  });
  return {
    key,
    mspId,
    domain,
    kind: slot === 0 ? 'ordererOrganizations' : 'peerOrganizations',
    root: server('root', 0, 'rca'),
    intermediate: server('intermediate', 1, 'ica'),
    tls: server('tls', 2, 'tlsca'),
  } satisfies CaOrg;
}

/** Where the CAs keep their state: beside the nodes, so `down --purge` removes it with them. */
export function caRootDir(topology: Topology): string {
  return path.join(topology.options.stateDir, 'ca');
}

/** Every CA of the network, the orderer org's first; none when cryptogen makes the certificates. */
export function caOrgs(topology: Topology): CaOrg[] {
  if (topology.options.crypto !== 'ca') return [];
  return [
    caOrg(topology, 0, 'orderer', ORDERER_MSP_ID, topology.ordererDomain),
    ...topology.orgs.map((org) =>
      caOrg(topology, org.index, org.name.toLowerCase(), org.mspId, org.domain),
    ),
  ];
}

export function caServers(topology: Topology): CaServer[] {
  return caOrgs(topology).flatMap((org) => [org.root, org.intermediate, org.tls]);
}

export function caOrgOf(topology: Topology, org: Org): CaOrg {
  const found = caOrgs(topology).find((candidate) => candidate.mspId === org.mspId);
  if (!found) throw new Error(`${org.name} has no certificate authority in this network`);
  return found;
}

/** The certificate a client trusts for a CA's TLS listener (its own certificate, or the chain). */
export function caTlsTrustFile(server: CaServer): string {
  return path.join(server.dir, server.role === 'intermediate' ? 'ca-chain.pem' : 'ca-cert.pem');
}

/** The CA's registrar (bootstrap identity) credentials, written when the CA is first made. */
export function registrarFile(server: CaServer): string {
  return path.join(server.dir, 'registrar.json');
}

/** How a Node client reaches a CA: its URL, the TLS trust and the name its certificate holds. */
export function caEndpoint(server: CaServer): {
  url: string;
  tlsRootsFile: string;
  serverName: string;
} {
  return {
    url: `https://${HOST}:${server.port}`,
    tlsRootsFile: caTlsTrustFile(server),
    serverName: TLS_HOST_NAME,
  };
}
