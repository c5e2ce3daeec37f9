// SPDX-License-Identifier: Apache-2.0
// configtxgen's input for a deployment on Kubernetes: the orderers, Raft consenters, Kafka brokers
// and anchor peers at the in-cluster names the charts give their Services.
import path from 'node:path';

import { ABSOLUTE_MAX_BYTES } from '../kafka/broker';
import { CONSORTIUM, PROFILES, RAFT_OPTIONS } from '../templates/configtx';
import type { ClusterMaterialOptions } from './material';
import {
  kafkaBrokerAddresses,
  ORDERER_DOMAIN,
  ORDERER_MSP,
  ordererService,
  peerService,
} from './material';

const signature = (rule: string) => ({ Type: 'Signature', Rule: rule });
const implicitMeta = (rule: string) => ({ Type: 'ImplicitMeta', Rule: rule });
const CHANNEL_POLICIES = {
  Readers: implicitMeta('ANY Readers'),
  Writers: implicitMeta('ANY Writers'),
  Admins: implicitMeta('MAJORITY Admins'),
};

/** Orderer `index`'s TLS certificate in cryptogen's layout, which Raft names as its consenter's. */
export function ordererTlsCert(cryptoDir: string, index: number): string {
  const node = `orderer${index}.${ORDERER_DOMAIN}`;
  return path.join(
    cryptoDir,
    'ordererOrganizations',
    ORDERER_DOMAIN,
    'orderers',
    node,
    'tls',
    'server.crt',
  );
}

/**
 * configtxgen's input: under Kafka the system channel and the application channel created
 * through it; under Raft the application channel alone, whose genesis block the orderers join
 * through the channel participation API and whose consenters are the orderers' Services.
 */
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
      AnchorPeers: options.anchorPeers?.[msp]?.length
        ? options.anchorPeers[msp].map((peer) => ({ Host: peer.host, Port: peer.port }))
        : [{ Host: fqdn(peerService(o + 1, 0)), Port: 7051 }],
    };
  });
  const channel = { Policies: CHANNEL_POLICIES, Capabilities: { V2_0: true } };
  const orderer = {
    BatchTimeout: '500ms',
    BatchSize: {
      MaxMessageCount: 500,
      AbsoluteMaxBytes: ABSOLUTE_MAX_BYTES,
      PreferredMaxBytes: 2 * 1024 * 1024,
    },
    Organizations: [ordererOrg],
    Policies: { ...CHANNEL_POLICIES, BlockValidation: implicitMeta('ANY Writers') },
    Capabilities: { V2_0: true },
  };
  const application = {
    Organizations: members,
    Policies: {
      ...CHANNEL_POLICIES,
      LifecycleEndorsement: implicitMeta('MAJORITY Endorsement'),
      Endorsement: implicitMeta('MAJORITY Endorsement'),
    },
    Capabilities: { V2_5: true },
  };
  if (options.consensus === 'etcdraft') {
    return {
      Profiles: {
        [PROFILES.raftApplicationChannel]: {
          ...channel,
          Orderer: {
            ...orderer,
            OrdererType: 'etcdraft',
            EtcdRaft: {
              // each orderer's cluster traffic shares its gRPC listener (the chart's port 7050)
              Consenters: Array.from({ length: options.orderers }, (_, i) => ({
                Host: fqdn(ordererService(i)),
                Port: 7050,
                ClientTLSCert: ordererTlsCert(cryptoDir, i),
                ServerTLSCert: ordererTlsCert(cryptoDir, i),
              })),
              Options: RAFT_OPTIONS,
            },
          },
          Application: application,
        },
      },
    };
  }
  return {
    Profiles: {
      [PROFILES.systemChannel]: {
        ...channel,
        Orderer: {
          ...orderer,
          OrdererType: 'kafka',
          Kafka: { Brokers: kafkaBrokerAddresses(options.kafkaBrokers, domain) },
        },
        Consortiums: { [CONSORTIUM]: { Organizations: members } },
      },
      [PROFILES.kafkaApplicationChannel]: {
        ...channel,
        Consortium: CONSORTIUM,
        Application: application,
      },
    },
  };
}
