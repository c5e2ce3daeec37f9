// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import { caServers } from '../ca/layout';
import { manifestPath } from '../state/manifest';
import type { NetworkOptions } from './options';

/**
 * Everything about a local network that follows from its options: names, MSP ids, ports and
 * where each node keeps its files. Ports are laid out from the base port P:
 *   P+3o .. P+3o+2       with --crypto ca, org o's root, intermediate and TLS CAs (o=0: orderer org)
 *   P+50+3i .. P+52+3i   orderer i: listen, admin, operations
 *   P+90, P+91           Kafka broker (ordering service listener), KRaft controller
 *   P+92                 Kafka client listener (TLS + SASL/SCRAM) for the services
 *   P+100o+10p+0..2      peer p of org o: listen, chaincode, operations
 *   P+100o+90+k          org o's chaincode service k
 *   P+1100, P+1101       the DAPP and datasync services
 *   P+1110, P+1111       their embedded Postgres servers
 */
export const HOST = '127.0.0.1';
/**
 * The name the nodes' TLS certificates are checked against (they are valid for it and for HOST):
 * a TLS server name must be a host name, and Node warns (DEP0123) when it is set to an IP address.
 */
export const TLS_HOST_NAME = 'localhost';
export const DOMAIN = 'consortia.local';
export const ORDERER_MSP_ID = 'OrdererMSP';
export const MAX_CHAINCODES = 10;

export interface PeerNode {
  name: string;
  orgIndex: number;
  index: number;
  hostname: string;
  port: number;
  chaincodePort: number;
  operationsPort: number;
  dir: string;
}

export interface Org {
  index: number;
  name: string;
  mspId: string;
  domain: string;
  peers: PeerNode[];
}

export interface OrdererNode {
  name: string;
  index: number;
  hostname: string;
  port: number;
  adminPort: number;
  operationsPort: number;
  dir: string;
}

export interface KafkaNode {
  /** The plaintext listener on loopback that the orderers use. */
  port: number;
  controllerPort: number;
  dir: string;
  /** The services' listener (TLS and SASL/SCRAM); brokers for tests alone may go without. */
  clientPort?: number;
}

export interface Topology {
  options: NetworkOptions;
  orgs: Org[];
  orderers: OrdererNode[];
  /** Only with Kafka consensus. */
  kafka?: KafkaNode;
  ordererDomain: string;
  paths: {
    crypto: string;
    config: string;
    logs: string;
    run: string;
    manifest: string;
  };
}

export interface PortUse {
  port: number;
  owner: string;
  /** The process that listens there. */
  process: string;
}

export function orgDomain(orgIndex: number): string {
  return `org${orgIndex}.${DOMAIN}`;
}

export function buildTopology(options: NetworkOptions): Topology {
  const base = options.basePort;
  const nodesDir = path.join(options.stateDir, 'nodes');
  const ordererDomain = `orderer.${DOMAIN}`;
  const ordererCount = options.orderers ?? (options.consensus === 'etcdraft' ? 3 : 1);
  const orderers: OrdererNode[] = Array.from({ length: ordererCount }, (_, index) => {
    const name = `orderer${index}`;
    const port = base + 50 + 3 * index;
    return {
      name,
      index,
      hostname: `${name}.${ordererDomain}`,
      port,
      adminPort: port + 1,
      operationsPort: port + 2,
      dir: path.join(nodesDir, name),
    };
  });
  const members =
    options.members ??
    Array.from({ length: options.orgs }, (_, offset) => ({
      index: offset + 1,
      peers: options.peersPerOrg,
    }));
  const orgs: Org[] = members.map(({ index, peers: peerCount }) => {
    const domain = orgDomain(index);
    const peers = Array.from({ length: peerCount }, (_, peerIndex) => {
      const port = base + 100 * index + 10 * peerIndex;
      const name = `peer${peerIndex}.org${index}`;
      return {
        name,
        orgIndex: index,
        index: peerIndex,
        hostname: `peer${peerIndex}.${domain}`,
        port,
        chaincodePort: port + 1,
        operationsPort: port + 2,
        dir: path.join(nodesDir, name),
      };
    });
    return { index, name: `Org${index}`, mspId: `Org${index}MSP`, domain, peers };
  });
  return {
    options,
    orgs,
    orderers,
    kafka:
      options.consensus === 'kafka'
        ? {
            port: base + 90,
            controllerPort: base + 91,
            clientPort: base + 92,
            dir: kafkaDir(options.stateDir),
          }
        : undefined,
    ordererDomain,
    paths: {
      crypto: path.join(options.stateDir, 'crypto'),
      config: path.join(options.stateDir, 'config'),
      logs: path.join(options.stateDir, 'logs'),
      run: path.join(options.stateDir, 'run'),
      manifest: manifestPath(options.stateDir),
    },
  };
}

/** The port of org `orgIndex`'s chaincode service number `slot` (0-based, in deployment order). */
export function chaincodePort(topology: Topology, orgIndex: number, slot: number): number {
  return topology.options.basePort + 100 * orgIndex + 90 + slot;
}

/**
 * The operations path that tells an orderer is up. Fabric 2.5's Kafka consenter registers its
 * /healthz check before the channel's Kafka producer exists, and a check in that window
 * dereferences the missing producer and crashes the orderer; so a Kafka-ordered orderer is
 * probed by /version, which touches no consenter, and Kafka itself is checked on its own port.
 */
export function ordererHealthPath(topology: Topology): '/healthz' | '/version' {
  return topology.options.consensus === 'kafka' ? '/version' : '/healthz';
}

/** Whether the orderers bootstrap from a system channel: under Kafka, and after a migration to Raft. */
export function hasSystemChannel(topology: Topology): boolean {
  return topology.options.consensus === 'kafka' || topology.options.systemChannel === true;
}

export const LOCAL_SERVICES = ['dapp', 'datasync', 'app-api', 'explorer'] as const;
export type LocalServiceName = (typeof LOCAL_SERVICES)[number];

export function isLocalService(name: string): name is LocalServiceName {
  return (LOCAL_SERVICES as readonly string[]).includes(name);
}

/**
 * The ports of the nodes `up` starts. The services' ports belong to the same layout but are
 * `start`'s to check: a service run beside the network must not stop the nodes from resuming.
 */
export function nodePorts(topology: Topology): PortUse[] {
  return networkPorts(topology).filter((use) => !isLocalService(use.process));
}

/** HTTP and embedded Postgres ports of the services run beside the network. */
export function servicePorts(
  topology: Topology,
): Record<LocalServiceName, { http: number; postgres?: number }> {
  const base = topology.options.basePort;
  return {
    dapp: { http: base + 1100, postgres: base + 1110 },
    datasync: { http: base + 1101, postgres: base + 1111 },
    'app-api': { http: base + 1102, postgres: base + 1112 },
    // the explorer reads datasync's database
    explorer: { http: base + 1103 },
  };
}

/** Every port the network's processes listen on, with who listens there. */
export function networkPorts(topology: Topology): PortUse[] {
  const ports: PortUse[] = caServers(topology).map((ca) => ({
    port: ca.port,
    owner: ca.name,
    process: ca.name,
  }));
  for (const orderer of topology.orderers) {
    const process = orderer.name;
    ports.push(
      { port: orderer.port, owner: orderer.name, process },
      { port: orderer.adminPort, owner: `${orderer.name} admin`, process },
      { port: orderer.operationsPort, owner: `${orderer.name} operations`, process },
    );
  }
  if (topology.kafka) {
    ports.push(
      { port: topology.kafka.port, owner: 'kafka', process: 'kafka' },
      { port: topology.kafka.controllerPort, owner: 'kafka controller', process: 'kafka' },
    );
    if (topology.kafka.clientPort !== undefined) {
      ports.push({ port: topology.kafka.clientPort, owner: 'kafka clients', process: 'kafka' });
    }
  }
  for (const peer of topology.orgs.flatMap((org) => org.peers)) {
    const process = peer.name;
    ports.push(
      { port: peer.port, owner: peer.name, process },
      { port: peer.chaincodePort, owner: `${peer.name} chaincode`, process },
      { port: peer.operationsPort, owner: `${peer.name} operations`, process },
    );
  }
  for (const [name, service] of Object.entries(servicePorts(topology))) {
    ports.push({ port: service.http, owner: name, process: name });
    if (service.postgres !== undefined) {
      ports.push({ port: service.postgres, owner: `${name} postgres`, process: name });
    }
  }
  return ports;
}

export function peerCryptoDir(topology: Topology, peer: PeerNode): string {
  const domain = orgDomain(peer.orgIndex);
  return path.join(topology.paths.crypto, 'peerOrganizations', domain, 'peers', peer.hostname);
}

export function ordererCryptoDir(topology: Topology, orderer: OrdererNode): string {
  return path.join(
    topology.paths.crypto,
    'ordererOrganizations',
    topology.ordererDomain,
    'orderers',
    orderer.hostname,
  );
}

export function orgAdminMspDir(topology: Topology, org: Org): string {
  return path.join(
    topology.paths.crypto,
    'peerOrganizations',
    org.domain,
    'users',
    `Admin@${org.domain}`,
    'msp',
  );
}

export function orgUserDir(topology: Topology, org: Org, user = 'User1'): string {
  return path.join(
    topology.paths.crypto,
    'peerOrganizations',
    org.domain,
    'users',
    `${user}@${org.domain}`,
  );
}

export function ordererAdminDir(topology: Topology): string {
  return path.join(
    topology.paths.crypto,
    'ordererOrganizations',
    topology.ordererDomain,
    'users',
    `Admin@${topology.ordererDomain}`,
  );
}

export function ordererTlsCaFile(topology: Topology): string {
  return path.join(
    topology.paths.crypto,
    'ordererOrganizations',
    topology.ordererDomain,
    'tlsca',
    `tlsca.${topology.ordererDomain}-cert.pem`,
  );
}

export function orgTlsCaFile(topology: Topology, org: Org): string {
  return path.join(
    topology.paths.crypto,
    'peerOrganizations',
    org.domain,
    'tlsca',
    `tlsca.${org.domain}-cert.pem`,
  );
}

/** The org a peer belongs to. */
export function orgOf(topology: Topology, peer: PeerNode): Org {
  const org = topology.orgs.find((candidate) => candidate.index === peer.orgIndex);
  if (!org) throw new Error(`${peer.name} belongs to no org of this network`);
  return org;
}

/** An org's first peer: its anchor peer, and the one admin commands go through. */
export function firstPeer(org: Org): PeerNode {
  const peer = org.peers[0];
  if (!peer) throw new Error(`${org.name} has no peers`);
  return peer;
}

/** Where a state dir's Kafka broker keeps its configuration, data and client credentials. */
export function kafkaDir(stateDir: string): string {
  return path.join(stateDir, 'kafka');
}

/** Every network has at least one org and one orderer; these name the first of each. */
export function firstOrg(topology: Topology): Org {
  const org = topology.orgs[0];
  if (!org) throw new Error('the network has no orgs');
  return org;
}

export function firstOrderer(topology: Topology): OrdererNode {
  const orderer = topology.orderers[0];
  if (!orderer) throw new Error('the network has no orderers');
  return orderer;
}
