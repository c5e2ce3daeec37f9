// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { UserError } from '../../../src/errors';
import { channelJoinScript } from '../../../src/k8s/jobs';
import {
  checkAnchorPeers,
  clusterConfigtx,
  clusterCryptoConfig,
  kafkaBrokerAddresses,
  parseAnchorPeers,
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

interface Member {
  Name: string;
  AnchorPeers: { Host: string; Port: number }[];
}
interface Configtx {
  Profiles: Record<
    string,
    {
      Consortiums?: Record<string, { Organizations: Member[] }>;
      Application?: { Organizations: Member[] };
    }
  >;
}

/** parseAnchorPeers' refusal: a UserError naming the flag, with its fix. */
function refuses(values: string[], message: RegExp, hint: RegExp) {
  assert.throws(
    () => parseAnchorPeers(values, OPTIONS),
    (error: unknown) => {
      assert.ok(error instanceof UserError, String(error));
      assert.match(error.message, /--anchor-peer/);
      assert.match(error.message, message);
      assert.match(error.hint ?? '', hint);
      return true;
    },
  );
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

  it('reads repeated --anchor-peer <MSP>=<host>:<port> by org, in the order of its peers', () => {
    assert.deepEqual(parseAnchorPeers([], OPTIONS), {});
    assert.deepEqual(
      parseAnchorPeers(
        [
          'Org1MSP=peer0.org1.example.com:443',
          'Org2MSP=203.0.113.7:7051',
          'Org1MSP=peer1.org1.example.com:8443',
        ],
        OPTIONS,
      ),
      {
        Org1MSP: [
          { host: 'peer0.org1.example.com', port: 443 },
          { host: 'peer1.org1.example.com', port: 8443 },
        ],
        Org2MSP: [{ host: '203.0.113.7', port: 7051 }],
      },
    );
  });

  it('refuses an --anchor-peer of an unknown org, without a port, or with a port out of range', () => {
    refuses(['Org3MSP=peer0.org3.example.com:443'], /Org3MSP.*Org1MSP, Org2MSP/, /raise --orgs/);
    refuses(['org1=peer0.org1.example.com:443'], /names org1/, /Org1MSP\.\.Org2MSP/);
    refuses(
      ['Org1MSP=peer0.org1.example.com'],
      /has no port/,
      /Org1MSP=peer0\.org1\.example\.com:443/,
    );
    refuses(['Org1MSP=peer0.org1.example.com:'], /has no port/, /:443/);
    refuses(['Org1MSP=peer0.org1.example.com:65536'], /port '65536' is not .* 1 to 65535/, /:443/);
    refuses(['Org1MSP=peer0.org1.example.com:0'], /port '0'/, /load balancer/);
    refuses(['Org1MSP=peer0.org1.example.com:https'], /port 'https'/, /load balancer/);
    refuses(['peer0.org1.example.com:443'], /expected <MSP>=<host>:<port>/, /Org1MSP=/);
    refuses(['Org1MSP=https://peer0.org1.example.com:443'], /not a DNS name/, /Org1MSP=/);
    refuses(['Org1MSP=:443'], /'' is not a DNS name/, /load balancer/);
    refuses(['Org1MSP=a:1', 'Org1MSP=a:2'], /names a twice/, /peer0, peer1/);
    refuses(
      ['Org1MSP=a:1', 'Org1MSP=b:1', 'Org1MSP=c:1'],
      /3 --anchor-peer for Org1MSP/,
      /--peers/,
    );
    // the same checks for a caller handing in anchor peers directly
    assert.throws(
      () => checkAnchorPeers({ Org1MSP: [{ host: 'a', port: 70000 }] }, OPTIONS),
      /--anchor-peer Org1MSP=a:70000: the port must be a number from 1 to 65535/,
    );
  });

  it("writes the anchor peers given in place of peer0's Service, and names each in its peer's certificate", () => {
    const anchorPeers = parseAnchorPeers(
      ['Org1MSP=peer0.org1.example.com:443', 'Org1MSP=peer1.org1.example.com:443'],
      OPTIONS,
    );
    const options = { ...OPTIONS, anchorPeers };
    const configtx = clusterConfigtx(options, '/crypto') as Configtx;
    const consortium = configtx.Profiles.SystemChannel?.Consortiums?.Consortia?.Organizations;
    const application = configtx.Profiles.ApplicationChannel?.Application?.Organizations;
    for (const members of [consortium, application]) {
      assert.deepEqual(members?.[0]?.AnchorPeers, [
        { Host: 'peer0.org1.example.com', Port: 443 },
        { Host: 'peer1.org1.example.com', Port: 443 },
      ]);
      // Org2, not named, keeps its in-cluster anchor peer
      assert.deepEqual(members?.[1]?.AnchorPeers, [
        { Host: 'org2-org-blockchain-peer0.consortia-org2.svc.cluster.local', Port: 7051 },
      ]);
    }
    const crypto = clusterCryptoConfig(options) as { PeerOrgs: { Specs: Spec[] }[] };
    const [peer0, peer1] = crypto.PeerOrgs[0]?.Specs ?? [];
    assert.equal(peer0?.SANS.at(-1), 'peer0.org1.example.com');
    assert.equal(peer1?.SANS.at(-1), 'peer1.org1.example.com');
    assert.ok(!peer0?.SANS.includes('peer1.org1.example.com'));
    assert.deepEqual(
      crypto.PeerOrgs[1]?.Specs[0]?.SANS,
      (clusterCryptoConfig(OPTIONS) as { PeerOrgs: { Specs: Spec[] }[] }).PeerOrgs[1]?.Specs[0]
        ?.SANS,
    );
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
