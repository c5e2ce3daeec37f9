// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import { ABSOLUTE_MAX_BYTES } from '../kafka/broker';
import type { Org, Topology } from '../topology/topology';
import { HOST, ORDERER_MSP_ID, ordererCryptoDir } from '../topology/topology';

export const CONSORTIUM = 'Consortia';
export const PROFILES = {
  systemChannel: 'SystemChannel',
  kafkaApplicationChannel: 'ApplicationChannel',
  raftApplicationChannel: 'RaftApplicationChannel',
} as const;
export const SYSTEM_CHANNEL = 'system-channel';

function signature(rule: string) {
  return { Type: 'Signature', Rule: rule };
}

function implicitMeta(rule: string) {
  return { Type: 'ImplicitMeta', Rule: rule };
}

function ordererOrganization(topology: Topology) {
  const msp = ORDERER_MSP_ID;
  return {
    Name: 'OrdererOrg',
    ID: msp,
    MSPDir: path.join(topology.paths.crypto, 'ordererOrganizations', topology.ordererDomain, 'msp'),
    Policies: {
      Readers: signature(`OR('${msp}.member')`),
      Writers: signature(`OR('${msp}.member')`),
      Admins: signature(`OR('${msp}.admin')`),
    },
    OrdererEndpoints: topology.orderers.map((orderer) => `${HOST}:${orderer.port}`),
  };
}

function memberOrganization(topology: Topology, org: Org) {
  const msp = org.mspId;
  const anchor = org.peers[0];
  return {
    Name: msp,
    ID: msp,
    MSPDir: path.join(topology.paths.crypto, 'peerOrganizations', org.domain, 'msp'),
    Policies: {
      Readers: signature(`OR('${msp}.admin', '${msp}.peer', '${msp}.client')`),
      Writers: signature(`OR('${msp}.admin', '${msp}.client')`),
      Admins: signature(`OR('${msp}.admin')`),
      Endorsement: signature(`OR('${msp}.peer')`),
    },
    AnchorPeers: anchor ? [{ Host: HOST, Port: anchor.port }] : [],
  };
}

const CHANNEL_POLICIES = {
  Readers: implicitMeta('ANY Readers'),
  Writers: implicitMeta('ANY Writers'),
  Admins: implicitMeta('MAJORITY Admins'),
};

/** The Raft cluster's timing and snapshot settings, for new channels and migrated ones alike. */
export const RAFT_OPTIONS = {
  TickInterval: '500ms',
  ElectionTick: 10,
  HeartbeatTick: 1,
  MaxInflightBlocks: 5,
  SnapshotIntervalSize: '16 MB',
} as const;

function ordererSection(topology: Topology) {
  const common = {
    BatchTimeout: '500ms',
    BatchSize: {
      MaxMessageCount: 500,
      AbsoluteMaxBytes: ABSOLUTE_MAX_BYTES,
      PreferredMaxBytes: 2 * 1024 * 1024,
    },
    Organizations: [ordererOrganization(topology)],
    Policies: { ...CHANNEL_POLICIES, BlockValidation: implicitMeta('ANY Writers') },
    Capabilities: { V2_0: true },
  };
  if (topology.options.consensus === 'kafka') {
    return {
      ...common,
      OrdererType: 'kafka',
      Kafka: { Brokers: [`${HOST}:${String(topology.kafka?.port)}`] },
    };
  }
  return {
    ...common,
    OrdererType: 'etcdraft',
    EtcdRaft: {
      Consenters: topology.orderers.map((orderer) => {
        const tls = path.join(ordererCryptoDir(topology, orderer), 'tls', 'server.crt');
        return { Host: HOST, Port: orderer.port, ClientTLSCert: tls, ServerTLSCert: tls };
      }),
      Options: RAFT_OPTIONS,
    },
  };
}

function applicationSection(topology: Topology) {
  return {
    Organizations: topology.orgs.map((org) => memberOrganization(topology, org)),
    Policies: {
      ...CHANNEL_POLICIES,
      // chaincode definitions and default endorsement: a majority of member organizations
      LifecycleEndorsement: implicitMeta('MAJORITY Endorsement'),
      Endorsement: implicitMeta('MAJORITY Endorsement'),
    },
    Capabilities: { V2_5: true },
  };
}

/** configtxgen's input, with every path absolute so it can run from any directory. */
export function configtx(topology: Topology): object {
  const channel = { Policies: CHANNEL_POLICIES, Capabilities: { V2_0: true } };
  const profiles: Record<string, object> = {};
  if (topology.options.consensus === 'kafka') {
    profiles[PROFILES.systemChannel] = {
      ...channel,
      Orderer: ordererSection(topology),
      Consortiums: {
        [CONSORTIUM]: {
          Organizations: topology.orgs.map((org) => memberOrganization(topology, org)),
        },
      },
    };
    profiles[PROFILES.kafkaApplicationChannel] = {
      ...channel,
      Consortium: CONSORTIUM,
      Application: applicationSection(topology),
    };
  } else {
    profiles[PROFILES.raftApplicationChannel] = {
      ...channel,
      Orderer: ordererSection(topology),
      Application: applicationSection(topology),
    };
  }
  return {
    Organizations: [
      ordererOrganization(topology),
      ...topology.orgs.map((org) => memberOrganization(topology, org)),
    ],
    Profiles: profiles,
  };
}
