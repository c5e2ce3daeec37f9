// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { channelJoinScript } from '../../../src/k8s/jobs';
import {
  clusterConfigtx,
  clusterCryptoConfig,
  kafkaBrokerAddresses,
  serviceNames,
} from '../../../src/k8s/material';
import { cpuRequestOverrides } from '../../../src/k8s/node/chart-values';

const OPTIONS = {
  home: '/nowhere',
  out: '/tmp/out',
  orgs: 2,
  peersPerOrg: 2,
  orderers: 1,
  kafkaBrokers: 3,
  channel: 'consortium',
};

interface Spec {
  Hostname: string;
  SANS: string[];
}

describe('k8s material: names the cluster dials', () => {
  it("puts every form of a peer's and an orderer's Service name in their TLS certificates", () => {
    const config = clusterCryptoConfig(OPTIONS) as {
      OrdererOrgs: { Specs: Spec[] }[];
      PeerOrgs: { Domain: string; Specs: Spec[] }[];
    };
    const peer = config.PeerOrgs[1]?.Specs[1];
    assert.equal(config.PeerOrgs[1]?.Domain, 'org2.example.com');
    assert.deepEqual(peer?.SANS, [
      'org2-org-blockchain-peer1',
      'org2-org-blockchain-peer1.consortia-org2',
      // the Jobs dial <svc>.<ns>.svc, the charts <svc>.<ns>.svc.cluster.local
      'org2-org-blockchain-peer1.consortia-org2.svc',
      'org2-org-blockchain-peer1.consortia-org2.svc.cluster.local',
    ]);
    assert.ok(
      config.OrdererOrgs[0]?.Specs[0]?.SANS.includes(
        'orderers-ordering-service-orderer0.consortia-ordering.svc',
      ),
    );
    assert.deepEqual(serviceNames('s', 'n', 'example.org').at(-1), 's.n.svc.example.org');
  });

  it('writes the in-cluster orderer, Kafka broker and anchor peer addresses into the channel configuration', () => {
    const configtx = clusterConfigtx(OPTIONS, '/crypto') as {
      Profiles: Record<
        string,
        {
          Orderer?: {
            Kafka: { Brokers: string[] };
            Organizations: { OrdererEndpoints: string[] }[];
          };
          Consortiums?: Record<string, { Organizations: { AnchorPeers: unknown[] }[] }>;
        }
      >;
    };
    const system = configtx.Profiles.SystemChannel;
    assert.deepEqual(system?.Orderer?.Kafka.Brokers, kafkaBrokerAddresses(3, 'cluster.local'));
    assert.equal(
      system?.Orderer?.Kafka.Brokers[2],
      'orderers-ordering-service-kafka-2.orderers-ordering-service-kafka-headless.consortia-ordering.svc.cluster.local:9092',
    );
    assert.deepEqual(system?.Orderer?.Organizations[0]?.OrdererEndpoints, [
      'orderers-ordering-service-orderer0.consortia-ordering.svc.cluster.local:7050',
    ]);
    assert.deepEqual(system?.Consortiums?.Consortia?.Organizations[0]?.AnchorPeers, [
      { Host: 'org1-org-blockchain-peer0.consortia-org1.svc.cluster.local', Port: 7051 },
    ]);
  });

  it('creates the channel from its transaction only when the orderer does not know it, then sets anchors', () => {
    const script = channelJoinScript('JOIN', {
      channelTxFile: 'c.tx',
      anchorTxFile: 'a.tx',
    }).split('\n');
    assert.match(script[0] ?? '', /^if peer channel fetch 0 /);
    // retried while the Kafka orderer answers SERVICE_UNAVAILABLE (its Kafka link still booting)
    assert.match(
      script[1] ?? '',
      /until peer channel create -c "\$CHANNEL" -f \/inputs\/channel.tx/,
    );
    assert.match(script[2] ?? '', /sleep 5; done$/);
    assert.equal(script.at(-2), 'JOIN');
    assert.match(script.at(-1) ?? '', /peer channel update -c "\$CHANNEL" -f \/inputs\/anchors.tx/);
    // without the files, only fetch and join, as before
    assert.equal(channelJoinScript('JOIN', {}).split('\n').length, 2);
  });

  it("lowers only the charts' CPU requests for the single node", () => {
    const values = {
      peer: { resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2' } } },
      other: { replicas: 3 },
    };
    assert.deepEqual(cpuRequestOverrides(values, '10m'), {
      peer: { resources: { requests: { cpu: '10m' } } },
    });
  });
});
