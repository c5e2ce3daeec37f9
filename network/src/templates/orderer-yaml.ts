// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import type { OrdererNode, Topology } from '../topology/topology';
import { hasSystemChannel, HOST, ORDERER_MSP_ID, ordererCryptoDir } from '../topology/topology';

export const SYSTEM_GENESIS_BLOCK = 'system-genesis.block';

/**
 * An orderer's orderer.yaml. Kafka consensus bootstraps from the system channel's genesis block;
 * Raft runs without a system channel and gets its channels through the channel participation API
 * on the admin endpoint (mutual TLS). A Raft network migrated from Kafka keeps its system channel.
 */
export function ordererYaml(topology: Topology, orderer: OrdererNode): object {
  const tls = path.join(ordererCryptoDir(topology, orderer), 'tls');
  const kafka = hasSystemChannel(topology);
  const tlsSettings = {
    Enabled: true,
    PrivateKey: path.join(tls, 'server.key'),
    Certificate: path.join(tls, 'server.crt'),
    RootCAs: [path.join(tls, 'ca.crt')],
  };
  return {
    General: {
      ListenAddress: HOST,
      ListenPort: orderer.port,
      TLS: { ...tlsSettings, ClientAuthRequired: false, ClientRootCAs: [] },
      Keepalive: { ServerMinInterval: '60s', ServerInterval: '7200s', ServerTimeout: '20s' },
      MaxRecvMsgSize: 104857600,
      MaxSendMsgSize: 104857600,
      Cluster: {
        SendBufferSize: 100,
        ClientCertificate: path.join(tls, 'server.crt'),
        ClientPrivateKey: path.join(tls, 'server.key'),
        ListenPort: null,
        ListenAddress: null,
        ServerCertificate: null,
        ServerPrivateKey: null,
      },
      BootstrapMethod: kafka ? 'file' : 'none',
      BootstrapFile: kafka ? path.join(topology.paths.config, SYSTEM_GENESIS_BLOCK) : null,
      LocalMSPDir: path.join(ordererCryptoDir(topology, orderer), 'msp'),
      LocalMSPID: ORDERER_MSP_ID,
      Profile: { Enabled: false, Address: '127.0.0.1:6060' },
      BCCSP: {
        Default: 'SW',
        SW: { Hash: 'SHA2', Security: 256, FileKeyStore: { KeyStore: null } },
      },
      Authentication: { TimeWindow: '15m', NoExpirationChecks: false },
    },
    FileLedger: { Location: path.join(orderer.dir, 'data') },
    Kafka: {
      Retry: {
        ShortInterval: '1s',
        ShortTotal: '10m',
        LongInterval: '1m',
        LongTotal: '12h',
        NetworkTimeouts: { DialTimeout: '10s', ReadTimeout: '10s', WriteTimeout: '10s' },
        Metadata: { RetryBackoff: '250ms', RetryMax: 3 },
        Producer: { RetryBackoff: '100ms', RetryMax: 3 },
        Consumer: { RetryBackoff: '2s' },
      },
      Topic: { ReplicationFactor: 1 },
      Verbose: false,
      TLS: { Enabled: false },
      SASLPlain: { Enabled: false },
      // the protocol version the orderer's client speaks; the broker still accepts it
      Version: '1.0.0',
    },
    Debug: { BroadcastTraceDir: null, DeliverTraceDir: null },
    Operations: { ListenAddress: `${HOST}:${orderer.operationsPort}`, TLS: { Enabled: false } },
    Metrics: { Provider: 'prometheus' },
    Admin: {
      ListenAddress: `${HOST}:${orderer.adminPort}`,
      TLS: { ...tlsSettings, ClientAuthRequired: true, ClientRootCAs: [path.join(tls, 'ca.crt')] },
    },
    ChannelParticipation: { Enabled: !kafka, MaxRequestBodySize: '1 MB' },
    Consensus: {
      WALDir: path.join(orderer.dir, 'etcdraft', 'wal'),
      SnapDir: path.join(orderer.dir, 'etcdraft', 'snapshot'),
    },
  };
}
