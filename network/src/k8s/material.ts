// SPDX-License-Identifier: Apache-2.0
// Crypto material and the ordering service's genesis block for a deployment on Kubernetes: TLS
// certificates valid for the names the charts and the Jobs dial inside the cluster, and a channel
// configuration whose orderer, Kafka and anchor peer addresses are those in-cluster names.
import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

import { kafkaChannelArtifacts } from '../fabric/artifacts';
import { runFabric } from '../fabric/tools';
import { ABSOLUTE_MAX_BYTES } from '../kafka/broker';
import { CONSORTIUM, PROFILES } from '../templates/configtx';
import { orgLayout } from './naming';

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
  clusterDomain?: string;
  progress?: (line: string) => void;
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

/** cryptogen's input: every node's TLS certificate names each form of its Service's name. */
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
        return {
          Hostname: `peer${i}`,
          SANS: serviceNames(service.name, service.namespace, domain),
        };
      }),
      Users: { Count: 1 },
    })),
  };
}

const signature = (rule: string) => ({ Type: 'Signature', Rule: rule });
const implicitMeta = (rule: string) => ({ Type: 'ImplicitMeta', Rule: rule });
const CHANNEL_POLICIES = {
  Readers: implicitMeta('ANY Readers'),
  Writers: implicitMeta('ANY Writers'),
  Admins: implicitMeta('MAJORITY Admins'),
};

/** configtxgen's input for the Kafka system channel and the application channel. */
export function clusterConfigtx(options: ClusterMaterialOptions, cryptoDir: string): object {
  const domain = options.clusterDomain ?? 'cluster.local';
  const fqdn = (service: { name: string; namespace: string }) =>
    `${service.name}.${service.namespace}.svc.${domain}`;
  const ordererOrg = {
    Name: 'OrdererOrg',
    ID: ORDERER_MSP,
    MSPDir: path.join(cryptoDir, 'ordererOrganizations', ORDERER_DOMAIN, 'msp'),
    Policies: {
      Readers: signature(`OR('${ORDERER_MSP}.member')`),
      Writers: signature(`OR('${ORDERER_MSP}.member')`),
      Admins: signature(`OR('${ORDERER_MSP}.admin')`),
    },
    OrdererEndpoints: Array.from(
      { length: options.orderers },
      (_, i) => `${fqdn(ordererService(i))}:7050`,
    ),
  };
  const members = Array.from({ length: options.orgs }, (_, o) => {
    const msp = `Org${o + 1}MSP`;
    return {
      Name: msp,
      ID: msp,
      MSPDir: path.join(cryptoDir, 'peerOrganizations', `org${o + 1}.example.com`, 'msp'),
      Policies: {
        Readers: signature(`OR('${msp}.admin', '${msp}.peer', '${msp}.client')`),
        Writers: signature(`OR('${msp}.admin', '${msp}.client')`),
        Admins: signature(`OR('${msp}.admin')`),
        Endorsement: signature(`OR('${msp}.peer')`),
      },
      AnchorPeers: [{ Host: fqdn(peerService(o + 1, 0)), Port: 7051 }],
    };
  });
  const channel = { Policies: CHANNEL_POLICIES, Capabilities: { V2_0: true } };
  return {
    Profiles: {
      [PROFILES.systemChannel]: {
        ...channel,
        Orderer: {
          OrdererType: 'kafka',
          Kafka: { Brokers: kafkaBrokerAddresses(options.kafkaBrokers, domain) },
          BatchTimeout: '500ms',
          BatchSize: {
            MaxMessageCount: 500,
            AbsoluteMaxBytes: ABSOLUTE_MAX_BYTES,
            PreferredMaxBytes: 2 * 1024 * 1024,
          },
          Organizations: [ordererOrg],
          Policies: { ...CHANNEL_POLICIES, BlockValidation: implicitMeta('ANY Writers') },
          Capabilities: { V2_0: true },
        },
        Consortiums: { [CONSORTIUM]: { Organizations: members } },
      },
      [PROFILES.kafkaApplicationChannel]: {
        ...channel,
        Consortium: CONSORTIUM,
        Application: {
          Organizations: members,
          Policies: {
            ...CHANNEL_POLICIES,
            LifecycleEndorsement: implicitMeta('MAJORITY Endorsement'),
            Endorsement: implicitMeta('MAJORITY Endorsement'),
          },
          Capabilities: { V2_5: true },
        },
      },
    },
  };
}

export interface ClusterMaterial {
  cryptoDir: string;
  genesisBlock: string;
  channelTx: string;
  /** Each org's anchor peer update, by MSP id. */
  anchorTx: Record<string, string>;
}

/**
 * Runs cryptogen and configtxgen into `out`: crypto/ (cryptogen's layout, which `consortia k8s
 * secrets --from` reads), the system channel's genesis.block (the ordering service's
 * `<release>-genesis-block` Secret), <channel>.tx, the channel creation transaction, and each org's
 * <MSP>-anchors.tx (both for `consortia k8s channel join`).
 */
export async function generateClusterMaterial(
  options: ClusterMaterialOptions,
): Promise<ClusterMaterial> {
  const out = path.resolve(options.out);
  const cryptoDir = path.join(out, 'crypto');
  const logFile = path.join(out, 'material.log');
  fs.mkdirSync(out, { recursive: true });
  const write = (name: string, content: object) =>
    fs.writeFileSync(path.join(out, name), YAML.stringify(content, { lineWidth: 0 }));
  options.progress?.('crypto material (cryptogen) with in-cluster TLS names');
  write('crypto-config.yaml', clusterCryptoConfig(options));
  if (!fs.existsSync(cryptoDir)) {
    await runFabric(
      'cryptogen',
      ['generate', '--config', path.join(out, 'crypto-config.yaml'), '--output', cryptoDir],
      { home: options.home, logFile },
    );
  }
  options.progress?.('genesis block and channel transaction (configtxgen)');
  write('configtx.yaml', clusterConfigtx(options, cryptoDir));
  const configtxgen = (args: string[]) =>
    runFabric('configtxgen', ['-configPath', out, ...args], { home: options.home, logFile });
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
  return { cryptoDir, genesisBlock, channelTx, anchorTx };
}
