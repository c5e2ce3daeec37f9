// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

import type { Topology } from '../topology/topology';
import { HOST, TLS_HOST_NAME } from '../topology/topology';
import type { IdentityType } from './client';
import { registerIdentity, restClient, writeEnrollment } from './client';
import type { CaOrg } from './layout';
import { caOrgs, caTlsTrustFile } from './layout';

/** One identity of an org and where its MSP and TLS folders go in the crypto layout. */
export interface OrgIdentity {
  id: string;
  type: IdentityType;
  /** peers/<host>, orderers/<host> or users/<name>@<domain>. */
  dir: string;
  /** Nodes get server TLS certificates valid for their names; users get client ones. */
  tlsHosts?: string[];
}

export function orgDir(topology: Topology, org: CaOrg): string {
  return path.join(topology.paths.crypto, org.kind, org.domain);
}

/** File names as cryptogen gives them, so every consumer of the layout reads either. */
function certNames(org: CaOrg) {
  return {
    root: `ca.${org.domain}-cert.pem`,
    intermediate: `ica.${org.domain}-cert.pem`,
    tls: `tlsca.${org.domain}-cert.pem`,
  };
}

/** NodeOUs: the role (client, peer, admin, orderer) is read from the certificate's OU. */
function nodeOuConfig(org: CaOrg): string {
  const certificate = `intermediatecerts/${certNames(org).intermediate}`;
  const ou = (name: string) => ({ Certificate: certificate, OrganizationalUnitIdentifier: name });
  return YAML.stringify({
    NodeOUs: {
      Enable: true,
      ClientOUIdentifier: ou('client'),
      PeerOUIdentifier: ou('peer'),
      AdminOUIdentifier: ou('admin'),
      OrdererOUIdentifier: ou('orderer'),
    },
  });
}

function copyInto(file: string, dir: string, name: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(file, path.join(dir, name));
}

/** The CA certificates every MSP of the org holds, and its NodeOU configuration. */
function writeMspCas(org: CaOrg, mspDir: string): void {
  const names = certNames(org);
  for (const sub of ['cacerts', 'intermediatecerts', 'tlscacerts']) {
    fs.rmSync(path.join(mspDir, sub), { recursive: true, force: true });
  }
  copyInto(path.join(org.root.dir, 'ca-cert.pem'), path.join(mspDir, 'cacerts'), names.root);
  copyInto(
    path.join(org.intermediate.dir, 'ca-cert.pem'),
    path.join(mspDir, 'intermediatecerts'),
    names.intermediate,
  );
  copyInto(path.join(org.tls.dir, 'ca-cert.pem'), path.join(mspDir, 'tlscacerts'), names.tls);
  fs.writeFileSync(path.join(mspDir, 'config.yaml'), nodeOuConfig(org));
}

/** The org-level folders: the channel MSP (msp/), and ca/ and tlsca/ with the CA certificates. */
function writeOrgMsp(topology: Topology, org: CaOrg): void {
  const dir = orgDir(topology, org);
  const names = certNames(org);
  writeMspCas(org, path.join(dir, 'msp'));
  copyInto(path.join(org.root.dir, 'ca-cert.pem'), path.join(dir, 'ca'), names.root);
  copyInto(path.join(org.tls.dir, 'ca-cert.pem'), path.join(dir, 'tlsca'), names.tls);
}

async function enrollOne(org: CaOrg, identity: OrgIdentity): Promise<void> {
  // secrets are used once, to enroll; certificates are renewed by re-enrollment, not by secret
  const secret = crypto.randomBytes(18).toString('base64url');
  const hosts = identity.tlsHosts ?? [identity.id];
  await registerIdentity(org.intermediate, { id: identity.id, secret, type: identity.type });
  const enrolled = await restClient(org.intermediate).enroll(identity.id, secret, { hosts });
  const mspDir = path.join(identity.dir, 'msp');
  writeEnrollment(mspDir, `${identity.id}-cert.pem`, enrolled);
  writeMspCas(org, mspDir);

  await registerIdentity(org.tls, { id: identity.id, secret, type: identity.type });
  const tls = await restClient(org.tls).enroll(identity.id, secret, { hosts, profile: 'tls' });
  const side = identity.tlsHosts ? 'server' : 'client';
  const tlsDir = path.join(identity.dir, 'tls');
  fs.mkdirSync(tlsDir, { recursive: true });
  fs.writeFileSync(path.join(tlsDir, `${side}.crt`), tls.certificate);
  fs.writeFileSync(
    path.join(tlsDir, `${side}.key`),
    tls.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    { mode: 0o600 },
  );
  fs.copyFileSync(caTlsTrustFile(org.tls), path.join(tlsDir, 'ca.crt'));
}

/**
 * A peer or orderer of the org: its folder in the crypto layout, and the names its server TLS
 * certificate is valid for (its host name, and the loopback names every node listens on here).
 */
export function nodeIdentity(
  topology: Topology,
  org: CaOrg,
  hostname: string,
  type: 'peer' | 'orderer',
): OrgIdentity {
  return {
    id: hostname,
    type,
    dir: path.join(orgDir(topology, org), `${type}s`, hostname),
    tlsHosts: [hostname, TLS_HOST_NAME, HOST],
  };
}

/** The nodes, the admin and (for member orgs) the services' user of one org. */
function orgIdentities(topology: Topology, org: CaOrg): OrgIdentity[] {
  const dir = orgDir(topology, org);
  const user = (name: string, type: IdentityType): OrgIdentity => ({
    id: `${name}@${org.domain}`,
    type,
    dir: path.join(dir, 'users', `${name}@${org.domain}`),
  });
  const node = (hostname: string, type: 'peer' | 'orderer') =>
    nodeIdentity(topology, org, hostname, type);
  if (org.kind === 'ordererOrganizations') {
    return [
      ...topology.orderers.map((orderer) => node(orderer.hostname, 'orderer')),
      user('Admin', 'admin'),
    ];
  }
  const member = topology.orgs.find((candidate) => candidate.mspId === org.mspId);
  return [
    ...(member?.peers ?? []).map((peer) => node(peer.hostname, 'peer')),
    user('Admin', 'admin'),
    user('User1', 'client'),
  ];
}

/**
 * Enrolls every node, admin and service user of every org from its CAs into the crypto folder,
 * laid out as cryptogen lays it out. The orgs, and each org's identities, enroll side by side.
 */
export async function enrollNetwork(topology: Topology): Promise<void> {
  await Promise.all(caOrgs(topology).map((org) => enrollOrg(topology, org)));
}

/** Enrolls one org's nodes, admin and service user: a whole network's, or an org joining one. */
export async function enrollOrg(topology: Topology, org: CaOrg): Promise<void> {
  writeOrgMsp(topology, org);
  await Promise.all(orgIdentities(topology, org).map((identity) => enrollOne(org, identity)));
}

/**
 * Enrolls one more node of an org whose CAs run (an orderer added to a running network): its
 * signing identity from the intermediate CA and its TLS identity from the TLS CA.
 */
export async function enrollNode(
  topology: Topology,
  org: CaOrg,
  hostname: string,
  type: 'peer' | 'orderer',
): Promise<OrgIdentity> {
  const identity = nodeIdentity(topology, org, hostname, type);
  await enrollOne(org, identity);
  return identity;
}
