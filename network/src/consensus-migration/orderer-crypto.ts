// SPDX-License-Identifier: Apache-2.0
/**
 * A new orderer's keys and certificates, from the same source as the rest of the network: on a
 * cryptogen network `cryptogen extend` adds them beside the existing ones; on a network made
 * with `--crypto ca` the orderer org's intermediate CA enrolls its signing identity and the
 * org's TLS CA its TLS identity, valid for the orderer's host names, as `org add` enrolls a
 * joining org's nodes. Either way they land where the Raft metadata and orderer.yaml read them.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import YAML from 'yaml';

import { enrollNode, nodeIdentity } from '../ca/enroll';
import type { CaOrg } from '../ca/layout';
import { caOrgs } from '../ca/layout';
import { startOrgCas } from '../ca/server';
import { runFabric, setupLogFile } from '../fabric/tools';
import { cryptoConfig } from '../templates/crypto-config';
import type { OrdererNode, Topology } from '../topology/topology';
import { ordererCryptoDir } from '../topology/topology';

export interface OrdererCryptoContext {
  home: string;
  progress: (message: string) => void;
}

/** The orderer organization's CAs on a network made with `--crypto ca`. */
export function ordererCaOrg(topology: Topology): CaOrg {
  const org = caOrgs(topology).find((candidate) => candidate.kind === 'ordererOrganizations');
  if (!org) {
    throw new Error(
      `a network made with --crypto ${topology.options.crypto} has no orderer org CAs`,
    );
  }
  return org;
}

/** The files an orderer needs: its signing certificate and key, its TLS pair and TLS CA. */
export function ordererCryptoFiles(dir: string, hostname: string): string[] {
  return [
    path.join(dir, 'msp', 'signcerts', `${hostname}-cert.pem`),
    path.join(dir, 'msp', 'keystore', 'priv_sk'),
    path.join(dir, 'msp', 'config.yaml'),
    path.join(dir, 'tls', 'server.crt'),
    path.join(dir, 'tls', 'server.key'),
    path.join(dir, 'tls', 'ca.crt'),
  ];
}

/**
 * Whether an earlier run enrolled the orderer completely. Its TLS certificate may already be
 * a consenter's in a channel config, so a complete enrollment is kept, never redone.
 */
export function ordererEnrolled(dir: string, hostname: string): boolean {
  return ordererCryptoFiles(dir, hostname).every((file) => fs.existsSync(file));
}

/** The names of `names` (DNS names or IP addresses) a certificate is not valid for. */
export function missingTlsNames(certificatePem: string, names: readonly string[]): string[] {
  const certificate = new X509Certificate(certificatePem);
  return names.filter((name) =>
    net.isIP(name)
      ? certificate.checkIP(name) === undefined
      : certificate.checkHost(name, { subject: 'never' }) === undefined,
  );
}

/** `cryptogen extend` with the grown network's crypto-config.yaml. */
async function extendCrypto(context: OrdererCryptoContext, grown: Topology): Promise<void> {
  const file = path.join(grown.paths.config, 'crypto-config.yaml');
  fs.writeFileSync(file, YAML.stringify(cryptoConfig(grown), { lineWidth: 0 }));
  await runFabric('cryptogen', ['extend', '--input', grown.paths.crypto, '--config', file], {
    home: context.home,
    logFile: setupLogFile(grown),
  });
}

/** Enrolls the orderer at the orderer org's CAs (started if they are not running). */
async function enrollOrderer(
  context: OrdererCryptoContext,
  grown: Topology,
  orderer: OrdererNode,
): Promise<void> {
  const org = ordererCaOrg(grown);
  const identity = nodeIdentity(grown, org, orderer.hostname, 'orderer');
  if (identity.dir !== ordererCryptoDir(grown, orderer)) {
    throw new Error(`${orderer.name}: enrolled into ${identity.dir}, read from elsewhere`);
  }
  if (ordererEnrolled(identity.dir, orderer.hostname)) {
    context.progress(`${orderer.name}: enrolled already, at ${org.intermediate.caName}`);
  } else {
    context.progress(
      `${orderer.name}: enrolling at ${org.intermediate.caName} (signing) and ${org.tls.caName} (TLS)`,
    );
    await startOrgCas({ home: context.home, topology: grown, started: [] }, org);
    await enrollNode(grown, org, orderer.hostname, 'orderer');
  }
  const tls = fs.readFileSync(path.join(identity.dir, 'tls', 'server.crt'), 'utf8');
  const missing = missingTlsNames(tls, identity.tlsHosts ?? []);
  if (missing.length > 0) {
    throw new Error(
      `${orderer.name}'s TLS certificate from ${org.tls.caName} is not valid for ${missing.join(', ')}`,
    );
  }
}

/** The new orderer's keys and certificates, from the network's own source of them. */
export async function provideOrdererCrypto(
  context: OrdererCryptoContext,
  grown: Topology,
  orderer: OrdererNode,
): Promise<void> {
  if (grown.options.crypto === 'ca') await enrollOrderer(context, grown, orderer);
  else await extendCrypto(context, grown);
}
