// SPDX-License-Identifier: Apache-2.0
// Crypto material and the ordering service's genesis block for a deployment on Kubernetes: TLS
// certificates valid for the names the charts and the Jobs dial inside the cluster, and a channel
// configuration whose orderer, Raft consenter, Kafka and anchor peer addresses are those
// in-cluster names. Between
// clusters, each org's anchor peers are the external endpoints given instead, which the peers'
// TLS certificates then name too.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import YAML from 'yaml';

import { UserError } from '../errors';
import { kafkaChannelArtifacts, raftChannelBlock } from '../fabric/artifacts';
import { runFabric } from '../fabric/tools';
import type { Consensus } from '../topology/options';
import { CONSENSUS_TYPES } from '../topology/options';
import { clusterConfigtx, ordererTlsCert } from './cluster-configtx';
import { orgLayout } from './naming';

export { clusterConfigtx } from './cluster-configtx';

export const ORDERER_DOMAIN = 'ordering.example.com';
export const ORDERER_MSP = 'OrdererMSP';

export interface ClusterMaterialOptions {
  home: string;
  out: string;
  orgs: number;
  peersPerOrg: number;
  orderers: number;
  kafkaBrokers: number;
  channel: string;
  /** Kafka (the default): a system channel; etcdraft: the application channel's own genesis block. */
  consensus?: Consensus;
  clusterDomain?: string;
  /**
   * Each org's anchor peers by MSP id, in place of its peer0's in-cluster Service: the Nth is
   * peer N's external endpoint, and that peer's TLS certificate names its host.
   */
  anchorPeers?: Record<string, AnchorPeer[]>;
  progress?: (line: string) => void;
}

export interface AnchorPeer {
  host: string;
  port: number;
}

/** `--consensus`, refused unless Fabric's ordering types name it. */
export function parseConsensus(value: string): Consensus {
  const consensus = value.trim().toLowerCase();
  const known = CONSENSUS_TYPES.find((type) => type === consensus);
  if (!known) {
    throw new UserError(
      `--consensus '${value}': unknown ordering consensus`,
      `pass --consensus ${CONSENSUS_TYPES.join(' or --consensus ')} (the ordering-service chart's consensus value)`,
    );
  }
  return known;
}

/** The material's orderer count: --orderers, else the chart's default of its consensus. */
export function defaultOrderers(consensus: Consensus, orderers?: number): number {
  return orderers ?? (consensus === 'etcdraft' ? 3 : 1);
}

const ANCHOR_FLAG = '--anchor-peer';
const ANCHOR_EXAMPLE = `${ANCHOR_FLAG} Org1MSP=peer0.org1.example.com:443`;
const DNS_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST = new RegExp(`^(?=.{1,253}$)${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);

/** The repeatable `--anchor-peer <MSP>=<host>:<port>`, checked against the material's orgs and peers. */
export function parseAnchorPeers(
  values: readonly string[],
  counts: Pick<ClusterMaterialOptions, 'orgs' | 'peersPerOrg'>,
): Record<string, AnchorPeer[]> {
  const anchors: Record<string, AnchorPeer[]> = {};
  for (const value of values) {
    const bad = (problem: string, fix: string) =>
      new UserError(`${ANCHOR_FLAG} '${value}': ${problem}`, fix);
    const equals = value.indexOf('=');
    if (equals <= 0) throw bad('expected <MSP>=<host>:<port>', `e.g. ${ANCHOR_EXAMPLE}`);
    const msp = value.slice(0, equals);
    const address = value.slice(equals + 1);
    const colon = address.lastIndexOf(':');
    if (colon < 0 || colon === address.length - 1) {
      throw bad(
        'has no port',
        `add the port other organizations reach the peer at, e.g. ${ANCHOR_FLAG} ${msp}=${address.replace(/:$/, '')}:443`,
      );
    }
    const port = address.slice(colon + 1);
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
      throw bad(
        `port '${port}' is not a number from 1 to 65535`,
        `give the port the peer's load balancer listens on, e.g. ${ANCHOR_EXAMPLE}`,
      );
    }
    (anchors[msp] ??= []).push({ host: address.slice(0, colon), port: Number(port) });
  }
  checkAnchorPeers(anchors, counts);
  return anchors;
}

/** Refuses anchor peers of an org the material lacks, beyond its peers, or not host:port. */
export function checkAnchorPeers(
  anchors: Record<string, AnchorPeer[]>,
  counts: Pick<ClusterMaterialOptions, 'orgs' | 'peersPerOrg'>,
): void {
  const known = Array.from({ length: counts.orgs }, (_, o) => `Org${o + 1}MSP`);
  for (const [msp, peers] of Object.entries(anchors)) {
    const flag = (peer: AnchorPeer) => `${ANCHOR_FLAG} ${msp}=${peer.host}:${peer.port}`;
    if (!known.includes(msp)) {
      throw new UserError(
        `${ANCHOR_FLAG} names ${msp}, which is not one of this material's organizations (${known.join(', ')})`,
        `use an MSP id of Org1MSP..Org${counts.orgs}MSP, or raise --orgs`,
      );
    }
    if (peers.length > counts.peersPerOrg) {
      throw new UserError(
        `${peers.length} ${ANCHOR_FLAG} for ${msp}, but it has ${counts.peersPerOrg} peer(s): the Nth names peer N`,
        `give at most ${counts.peersPerOrg} for ${msp}, or raise --peers`,
      );
    }
    const seen = new Set<string>();
    for (const peer of peers) {
      if (!HOST.test(peer.host)) {
        throw new UserError(
          `${flag(peer)}: '${peer.host}' is not a DNS name or an IPv4 address`,
          `name the host other organizations dial (the peer's load balancer), e.g. ${ANCHOR_EXAMPLE}`,
        );
      }
      if (!Number.isInteger(peer.port) || peer.port < 1 || peer.port > 65535) {
        throw new UserError(
          `${flag(peer)}: the port must be a number from 1 to 65535`,
          `give the port the peer's load balancer listens on, e.g. ${ANCHOR_EXAMPLE}`,
        );
      }
      if (seen.has(peer.host.toLowerCase())) {
        throw new UserError(
          `${flag(peer)}: ${msp} names ${peer.host} twice`,
          `give each of ${msp}'s peers its own host name, in the order peer0, peer1, …`,
        );
      }
      seen.add(peer.host.toLowerCase());
    }
  }
}

/** A Service's names as clients in the cluster write them, short to fully qualified. */
export function serviceNames(service: string, namespace: string, clusterDomain: string): string[] {
  return [
    service,
    `${service}.${namespace}`,
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.${clusterDomain}`,
  ];
}

/** The charts' Service of peer `index` (org-blockchain's consortia.peerNode). */
export function peerService(org: number, index: number): { name: string; namespace: string } {
  const layout = orgLayout(`Org${org}`);
  return {
    name: `${layout.releases.blockchain}-org-blockchain-peer${index}`,
    namespace: layout.namespaces.blockchain,
  };
}

/** The charts' Service of orderer `index` (ordering-service). */
export function ordererService(index: number): { name: string; namespace: string } {
  const layout = orgLayout('Org1');
  return {
    name: `${layout.releases.ordering}-ordering-service-orderer${index}`,
    namespace: layout.namespaces.ordering,
  };
}

/** The Kafka brokers' pod addresses through their headless Service, as the orderers dial them. */
export function kafkaBrokerAddresses(count: number, clusterDomain: string): string[] {
  const { name, namespace } = ordererService(0);
  const release = name.replace(/-orderer0$/, '');
  return Array.from(
    { length: count },
    (_, i) =>
      `${release}-kafka-${i}.${release}-kafka-headless.${namespace}.svc.${clusterDomain}:9092`,
  );
}

/**
 * cryptogen's input: every node's TLS certificate names each form of its Service's name, and a
 * peer that is an anchor peer also the host other organizations dial it at.
 */
export function clusterCryptoConfig(options: ClusterMaterialOptions): object {
  const domain = options.clusterDomain ?? 'cluster.local';
  const orderers = Array.from({ length: options.orderers }, (_, i) => {
    const service = ordererService(i);
    return {
      Hostname: `orderer${i}`,
      SANS: serviceNames(service.name, service.namespace, domain),
    };
  });
  return {
    OrdererOrgs: [
      { Name: 'Orderer', Domain: ORDERER_DOMAIN, EnableNodeOUs: true, Specs: orderers },
    ],
    PeerOrgs: Array.from({ length: options.orgs }, (_, o) => ({
      Name: `Org${o + 1}`,
      Domain: `org${o + 1}.example.com`,
      EnableNodeOUs: true,
      Specs: Array.from({ length: options.peersPerOrg }, (_, i) => {
        const service = peerService(o + 1, i);
        const names = serviceNames(service.name, service.namespace, domain);
        const external = options.anchorPeers?.[`Org${o + 1}MSP`]?.[i]?.host;
        return {
          Hostname: `peer${i}`,
          SANS: external && !names.includes(external) ? [...names, external] : names,
        };
      }),
      Users: { Count: 1 },
    })),
  };
}

export interface ClusterMaterial {
  cryptoDir: string;
  consensus: Consensus;
  /** Kafka: the system channel's genesis block (the ordering release's genesis Secret). */
  genesisBlock?: string;
  /** Kafka: the channel creation transaction. */
  channelTx?: string;
  /** Raft: the application channel's genesis block, which orderers and peers join. */
  channelBlock?: string;
  /** Kafka: each org's anchor peer update, by MSP id (under Raft the channel block names them). */
  anchorTx: Record<string, string>;
}

/** Crypto material kept from an earlier run must hold every orderer the material names. */
function checkKeptOrderers(cryptoDir: string, options: ClusterMaterialOptions): void {
  for (let i = 0; i < options.orderers; i++) {
    if (fs.existsSync(ordererTlsCert(cryptoDir, i))) continue;
    throw new UserError(
      `--orderers ${options.orderers}: the crypto material kept in ${cryptoDir} has no orderer${i}`,
      `remove ${cryptoDir} so that cryptogen issues every orderer's certificates, or pass the --orderers it was made with`,
    );
  }
}

/**
 * Crypto material kept from an earlier run must already name each anchor peer's host in that
 * peer's TLS certificate: cryptogen leaves an existing crypto/ alone.
 */
function checkIssuedNames(cryptoDir: string, options: ClusterMaterialOptions): void {
  for (const [msp, peers] of Object.entries(options.anchorPeers ?? {})) {
    const org = msp.replace(/MSP$/, '').toLowerCase();
    peers.forEach((peer, i) => {
      const node = `peer${i}.${org}.example.com`;
      const dir = path.join(cryptoDir, 'peerOrganizations', `${org}.example.com`, 'peers', node);
      const certFile = path.join(dir, 'tls', 'server.crt');
      if (!fs.existsSync(certFile)) return;
      const cert = new X509Certificate(fs.readFileSync(certFile));
      const named = net.isIP(peer.host)
        ? cert.checkIP(peer.host)
        : cert.checkHost(peer.host, { subject: 'never' });
      if (!named) {
        throw new UserError(
          `${ANCHOR_FLAG} ${msp}=${peer.host}:${peer.port}: the TLS certificate of ${node}, kept in ${cryptoDir}, does not name ${peer.host}`,
          `remove ${cryptoDir} so that its certificates are issued again with the name, then run \`consortia k8s secrets\` again`,
        );
      }
    });
  }
}

/**
 * Runs cryptogen and configtxgen into `out`: crypto/ (cryptogen's layout, which `consortia k8s
 * secrets --from` reads), then under Kafka the system channel's genesis.block (the ordering
 * service's `<release>-genesis-block` Secret), <channel>.tx, the channel creation transaction, and
 * each org's <MSP>-anchors.tx (both for `consortia k8s channel join`); under Raft <channel>.block,
 * the channel's genesis block with its consenters and anchor peers, which `consortia k8s channel
 * join --channel-block` joins the orderers (osnadmin) and the peers to.
 */
export async function generateClusterMaterial(
  options: ClusterMaterialOptions,
): Promise<ClusterMaterial> {
  const out = path.resolve(options.out);
  const cryptoDir = path.join(out, 'crypto');
  const logFile = path.join(out, 'material.log');
  checkAnchorPeers(options.anchorPeers ?? {}, options);
  if (fs.existsSync(cryptoDir)) {
    checkKeptOrderers(cryptoDir, options);
    checkIssuedNames(cryptoDir, options);
  }
  fs.mkdirSync(out, { recursive: true });
  const write = (name: string, content: object) =>
    fs.writeFileSync(path.join(out, name), YAML.stringify(content, { lineWidth: 0 }));
  options.progress?.(
    options.anchorPeers && Object.keys(options.anchorPeers).length > 0
      ? "crypto material (cryptogen) with in-cluster TLS names and the anchor peers' hosts"
      : 'crypto material (cryptogen) with in-cluster TLS names',
  );
  write('crypto-config.yaml', clusterCryptoConfig(options));
  if (!fs.existsSync(cryptoDir)) {
    await runFabric(
      'cryptogen',
      ['generate', '--config', path.join(out, 'crypto-config.yaml'), '--output', cryptoDir],
      { home: options.home, logFile },
    );
  }
  const consensus = options.consensus ?? 'kafka';
  options.progress?.(
    consensus === 'etcdraft'
      ? "the channel's genesis block, Raft consenters at the orderers' Services (configtxgen)"
      : 'genesis block and channel transaction (configtxgen)',
  );
  write('configtx.yaml', clusterConfigtx(options, cryptoDir));
  const configtxgen = (args: string[]) =>
    runFabric('configtxgen', ['-configPath', out, ...args], { home: options.home, logFile });
  if (consensus === 'etcdraft') {
    const channelBlock = path.join(out, `${options.channel}.block`);
    await raftChannelBlock(configtxgen, options.channel, channelBlock);
    return { cryptoDir, consensus, channelBlock, anchorTx: {} };
  }
  const genesisBlock = path.join(out, 'genesis.block');
  const channelTx = path.join(out, `${options.channel}.tx`);
  const anchorTx: Record<string, string> = {};
  for (let o = 1; o <= options.orgs; o++) {
    anchorTx[`Org${o}MSP`] = path.join(out, `Org${o}MSP-anchors.tx`);
  }
  await kafkaChannelArtifacts(configtxgen, {
    channel: options.channel,
    genesisBlock,
    channelTx,
    anchorTx,
  });
  return { cryptoDir, consensus, genesisBlock, channelTx, anchorTx };
}
