// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import type { Org, PeerNode, Topology } from '../topology/topology';
import { HOST, orgTlsCaFile, peerCryptoDir } from '../topology/topology';

export interface PeerConfigInputs {
  topology: Topology;
  org: Org;
  peer: PeerNode;
  /** Directory holding bin/detect, bin/build, bin/release of the chaincode-as-a-service builder. */
  ccaasBuilderDir: string;
}

/**
 * A peer's core.yaml. Chaincode runs as a service behind an external builder, so no container
 * engine is configured (vm.endpoint empty); state in LevelDB; TLS on every gRPC endpoint; the
 * operations endpoint serves /healthz and Prometheus /metrics.
 */
export function coreYaml({ topology, org, peer, ccaasBuilderDir }: PeerConfigInputs): object {
  const crypto = peerCryptoDir(topology, peer);
  const tls = path.join(crypto, 'tls');
  const others = org.peers.filter((candidate) => candidate !== peer);
  const address = `${HOST}:${peer.port}`;
  return {
    peer: {
      id: peer.hostname,
      networkId: 'consortia',
      listenAddress: address,
      chaincodeListenAddress: `${HOST}:${peer.chaincodePort}`,
      chaincodeAddress: `${HOST}:${peer.chaincodePort}`,
      address,
      addressAutoDetect: false,
      gateway: {
        enabled: true,
        endorsementTimeout: '30s',
        broadcastTimeout: '30s',
        dialTimeout: '2m',
      },
      keepalive: {
        interval: '7200s',
        timeout: '20s',
        minInterval: '60s',
        client: { interval: '60s', timeout: '20s' },
        deliveryClient: { interval: '60s', timeout: '20s' },
      },
      gossip: {
        bootstrap:
          others.length > 0 ? others.map((other) => `${HOST}:${other.port}`).join(' ') : address,
        // Every peer pulls blocks from the ordering service itself. With an elected org leader
        // and gossip state transfer off (as Fabric 2.5 has it), a peer restarted behind the
        // others could never catch up: gossip only hands on blocks next to its height.
        useLeaderElection: false,
        orgLeader: true,
        membershipTrackerInterval: '5s',
        endpoint: address,
        maxBlockCountToStore: 10,
        maxPropagationBurstLatency: '10ms',
        maxPropagationBurstSize: 10,
        propagateIterations: 1,
        propagatePeerNum: 3,
        pullInterval: '4s',
        pullPeerNum: 3,
        requestStateInfoInterval: '4s',
        publishStateInfoInterval: '4s',
        stateInfoRetentionInterval: null,
        publishCertPeriod: '10s',
        skipBlockVerification: false,
        dialTimeout: '3s',
        connTimeout: '2s',
        recvBuffSize: 20,
        sendBuffSize: 200,
        digestWaitTime: '1s',
        requestWaitTime: '1500ms',
        responseWaitTime: '2s',
        aliveTimeInterval: '5s',
        aliveExpirationTimeout: '25s',
        reconnectInterval: '25s',
        maxConnectionAttempts: 120,
        msgExpirationFactor: 20,
        externalEndpoint: address,
        election: {
          startupGracePeriod: '15s',
          membershipSampleInterval: '1s',
          leaderAliveThreshold: '10s',
          leaderElectionDuration: '5s',
        },
        pvtData: {
          pullRetryThreshold: '60s',
          transientstoreMaxBlockRetention: 1000,
          pushAckTimeout: '3s',
          btlPullMargin: 10,
          reconcileBatchSize: 10,
          reconcileSleepInterval: '1m',
          reconciliationEnabled: true,
          skipPullingInvalidTransactionsDuringCommit: false,
          implicitCollectionDisseminationPolicy: { requiredPeerCount: 0, maxPeerCount: 1 },
        },
        state: {
          enabled: false,
          checkInterval: '10s',
          responseTimeout: '3s',
          batchSize: 10,
          blockBufferSize: 20,
          maxRetries: 3,
        },
      },
      tls: {
        enabled: true,
        clientAuthRequired: false,
        cert: { file: path.join(tls, 'server.crt') },
        key: { file: path.join(tls, 'server.key') },
        rootcert: { file: path.join(tls, 'ca.crt') },
        clientRootCAs: { files: [orgTlsCaFile(topology, org)] },
        clientKey: { file: null },
        clientCert: { file: null },
      },
      authentication: { timewindow: '15m' },
      fileSystemPath: path.join(peer.dir, 'data'),
      BCCSP: {
        Default: 'SW',
        SW: { Hash: 'SHA2', Security: 256, FileKeyStore: { KeyStore: null } },
      },
      mspConfigPath: path.join(crypto, 'msp'),
      localMspId: org.mspId,
      client: { connTimeout: '3s' },
      deliveryclient: {
        blockGossipEnabled: true,
        reconnectTotalTimeThreshold: '3600s',
        connTimeout: '3s',
        reConnectBackoffThreshold: '3600s',
        addressOverrides: [],
      },
      localMspType: 'bccsp',
      profile: { enabled: false, listenAddress: '127.0.0.1:6060' },
      handlers: {
        authFilters: [{ name: 'DefaultAuth' }, { name: 'ExpirationCheck' }],
        decorators: [{ name: 'DefaultDecorator' }],
        endorsers: { escc: { name: 'DefaultEndorsement', library: null } },
        validators: { vscc: { name: 'DefaultValidation', library: null } },
      },
      validatorPoolSize: null,
      discovery: {
        enabled: true,
        authCacheEnabled: true,
        authCacheMaxSize: 1000,
        authCachePurgeRetentionRatio: 0.75,
        orgMembersAllowedAccess: false,
      },
      limits: { concurrency: { endorserService: 2500, deliverService: 2500, gatewayService: 500 } },
      maxRecvMsgSize: 104857600,
      maxSendMsgSize: 104857600,
    },
    vm: { endpoint: '' },
    chaincode: {
      id: { path: null, name: null },
      builder: null,
      pull: false,
      installTimeout: '300s',
      startuptimeout: '300s',
      executetimeout: '30s',
      mode: 'net',
      keepalive: 0,
      system: { _lifecycle: 'enable', cscc: 'enable', lscc: 'enable', qscc: 'enable' },
      logging: {
        level: 'info',
        shim: 'warning',
        format:
          '%{color}%{time:2006-01-02 15:04:05.000 MST} [%{module}] %{shortfunc} -> %{level:.4s} %{id:03x}%{color:reset} %{message}',
      },
      externalBuilders: [
        { name: 'ccaas', path: ccaasBuilderDir, propagateEnvironment: ['HOME', 'PATH'] },
      ],
    },
    ledger: {
      blockchain: null,
      state: { stateDatabase: 'goleveldb', totalQueryLimit: 100000 },
      history: { enableHistoryDatabase: true },
      pvtdataStore: {
        collElgProcMaxDbBatchSize: 5000,
        collElgProcDbBatchesInterval: 1000,
        deprioritizedDataReconcilerInterval: '60m',
        purgeInterval: 100,
        purgedKeyAuditLogging: true,
      },
      snapshots: { rootDir: path.join(peer.dir, 'data', 'snapshots') },
    },
    operations: {
      listenAddress: `${HOST}:${peer.operationsPort}`,
      tls: { enabled: false },
    },
    metrics: { provider: 'prometheus' },
  };
}
