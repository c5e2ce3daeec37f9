// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import YAML from 'yaml';

import { ABSOLUTE_MAX_BYTES, brokerProperties, newClusterId } from '../../src/kafka/broker';
import { configtx, PROFILES } from '../../src/templates/configtx';
import { coreYaml } from '../../src/templates/core-yaml';
import { cryptoConfig } from '../../src/templates/crypto-config';
import { ordererYaml } from '../../src/templates/orderer-yaml';
import { parseNetworkOptions } from '../../src/topology/options';
import { buildTopology } from '../../src/topology/topology';

type Tree = Record<string, unknown>;
/** Round-trips through YAML, as the programs read it, and gives loose access for assertions. */
const asYaml = (value: object): Tree => YAML.parse(YAML.stringify(value)) as Tree;
const at = (tree: unknown, ...keys: (string | number)[]): unknown =>
  keys.reduce<unknown>(
    (node, key) => (node as Record<string | number, unknown> | undefined)?.[key],
    tree,
  );

const kafka = buildTopology(
  parseNetworkOptions({ consensus: 'kafka', orgs: 2, peersPerOrg: 2, stateDir: '/s' }, {}),
);
const raft = buildTopology(
  parseNetworkOptions({ consensus: 'etcdraft', orgs: 3, peersPerOrg: 1, stateDir: '/s' }, {}),
);

describe('generated configuration', function () {
  describe('crypto-config.yaml', function () {
    it('has NodeOUs and loopback names in every certificate', function () {
      const config = asYaml(cryptoConfig(kafka));
      assert.equal(at(config, 'OrdererOrgs', 0, 'EnableNodeOUs'), true);
      assert.deepEqual(at(config, 'PeerOrgs', 1, 'Template'), {
        Count: 2,
        SANS: ['localhost', '127.0.0.1'],
      });
      assert.equal(at(config, 'PeerOrgs', 1, 'Domain'), 'org2.consortia.local');
    });
  });

  describe('configtx.yaml', function () {
    it('Kafka: a system channel with the broker, a consortium of every org, an application channel profile', function () {
      const config = asYaml(configtx(kafka));
      const system = at(config, 'Profiles', PROFILES.systemChannel);
      assert.equal(at(system, 'Orderer', 'OrdererType'), 'kafka');
      assert.deepEqual(at(system, 'Orderer', 'Kafka', 'Brokers'), ['127.0.0.1:7090']);
      assert.equal(at(system, 'Orderer', 'BatchSize', 'AbsoluteMaxBytes'), ABSOLUTE_MAX_BYTES);
      assert.deepEqual(
        (at(system, 'Consortiums', 'Consortia', 'Organizations') as Tree[]).map((org) => org.ID),
        ['Org1MSP', 'Org2MSP'],
      );
      assert.equal(
        at(config, 'Profiles', PROFILES.kafkaApplicationChannel, 'Consortium'),
        'Consortia',
      );
      assert.equal(at(config, 'Profiles', PROFILES.raftApplicationChannel), undefined);
    });

    it('Raft: one application channel profile with every orderer as consenter', function () {
      const profile = at(asYaml(configtx(raft)), 'Profiles', PROFILES.raftApplicationChannel);
      assert.equal(at(profile, 'Orderer', 'OrdererType'), 'etcdraft');
      const consenters = at(profile, 'Orderer', 'EtcdRaft', 'Consenters') as Tree[];
      assert.deepEqual(
        consenters.map((consenter) => consenter.Port),
        [7050, 7053, 7056],
      );
      assert.match(
        String(consenters[2]!.ServerTLSCert),
        /orderer2\.orderer\.consortia\.local\/tls\/server\.crt$/,
      );
      assert.equal((at(profile, 'Application', 'Organizations') as Tree[]).length, 3);
    });

    it('endorsement and lifecycle need a majority of orgs; anchor peers are each org first peer', function () {
      const application = at(
        asYaml(configtx(kafka)),
        'Profiles',
        PROFILES.kafkaApplicationChannel,
        'Application',
      );
      assert.deepEqual(at(application, 'Policies', 'Endorsement'), {
        Type: 'ImplicitMeta',
        Rule: 'MAJORITY Endorsement',
      });
      assert.deepEqual(at(application, 'Policies', 'LifecycleEndorsement'), {
        Type: 'ImplicitMeta',
        Rule: 'MAJORITY Endorsement',
      });
      assert.deepEqual(at(application, 'Organizations', 1, 'AnchorPeers'), [
        { Host: '127.0.0.1', Port: 7200 },
      ]);
      assert.equal(
        at(application, 'Organizations', 1, 'Policies', 'Endorsement', 'Rule'),
        "OR('Org2MSP.peer')",
      );
    });
  });

  describe('core.yaml', function () {
    const org = kafka.orgs[0]!;
    const peer = org.peers[1]!;
    const config = asYaml(
      coreYaml({ topology: kafka, org, peer, ccaasBuilderDir: '/builders/ccaas' }),
    );

    it('runs chaincode as a service without a container engine', function () {
      assert.equal(at(config, 'vm', 'endpoint'), '');
      assert.deepEqual(at(config, 'chaincode', 'externalBuilders', 0, 'path'), '/builders/ccaas');
    });

    it('has TLS, LevelDB, and the operations endpoint on its own port', function () {
      assert.equal(at(config, 'peer', 'tls', 'enabled'), true);
      assert.equal(at(config, 'ledger', 'state', 'stateDatabase'), 'goleveldb');
      assert.equal(at(config, 'operations', 'listenAddress'), '127.0.0.1:7112');
      assert.equal(at(config, 'metrics', 'provider'), 'prometheus');
    });

    it('gossips with the other peers of its org', function () {
      assert.equal(at(config, 'peer', 'gossip', 'bootstrap'), '127.0.0.1:7100');
      assert.equal(at(config, 'peer', 'localMspId'), 'Org1MSP');
    });

    // A peer killed and restarted behind the others stayed at its height for good (the fault
    // suite's peer-org1 fault): it was not its org's elected leader, and gossip state transfer
    // is off, so nothing delivered it the blocks it missed.
    it('pulls blocks from the orderer itself, so a restarted peer catches up', function () {
      assert.equal(at(config, 'peer', 'gossip', 'useLeaderElection'), false);
      assert.equal(at(config, 'peer', 'gossip', 'orgLeader'), true);
    });
  });

  describe('orderer.yaml', function () {
    it('Kafka: bootstraps from the system channel block, without channel participation', function () {
      const config = asYaml(ordererYaml(kafka, kafka.orderers[0]!));
      assert.equal(at(config, 'General', 'BootstrapMethod'), 'file');
      assert.match(String(at(config, 'General', 'BootstrapFile')), /system-genesis\.block$/);
      assert.equal(at(config, 'ChannelParticipation', 'Enabled'), false);
      assert.equal(at(config, 'Kafka', 'Topic', 'ReplicationFactor'), 1);
    });

    it('Raft: no system channel, channel participation behind mutual TLS', function () {
      const config = asYaml(ordererYaml(raft, raft.orderers[1]!));
      assert.equal(at(config, 'General', 'BootstrapMethod'), 'none');
      assert.equal(at(config, 'ChannelParticipation', 'Enabled'), true);
      assert.equal(at(config, 'Admin', 'ListenAddress'), '127.0.0.1:7054');
      assert.equal(at(config, 'Admin', 'TLS', 'ClientAuthRequired'), true);
      assert.equal(at(config, 'General', 'ListenPort'), 7053);
    });
  });

  describe('Kafka broker properties', function () {
    const properties = new Map(
      brokerProperties(kafka.kafka!)
        .trim()
        .split('\n')
        .map((line) => line.split('=', 2) as [string, string]),
    );

    it('has the settings Fabric requires', function () {
      assert.equal(properties.get('unclean.leader.election.enable'), 'false');
      assert.equal(properties.get('log.retention.ms'), '-1');
      assert.ok(Number(properties.get('message.max.bytes')) > ABSOLUTE_MAX_BYTES);
      assert.ok(Number(properties.get('replica.fetch.max.bytes')) > ABSOLUTE_MAX_BYTES);
    });

    it('never makes a cluster id the storage tool would read as an option', function () {
      const draws = [Buffer.from([0xfb, ...Array<number>(15).fill(1)]), Buffer.alloc(16, 1)];
      assert.equal(draws[0]!.toString('base64url')[0], '-');
      assert.equal(
        newClusterId(() => draws.shift()!),
        Buffer.alloc(16, 1).toString('base64url'),
      );
      assert.match(newClusterId(), /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    });

    it('runs KRaft on loopback', function () {
      assert.equal(properties.get('process.roles'), 'broker,controller');
      assert.equal(
        properties.get('listeners'),
        'PLAINTEXT://127.0.0.1:7090,CONTROLLER://127.0.0.1:7091,CLIENT://127.0.0.1:7092',
      );
      assert.equal(properties.get('log.dirs'), '/s/kafka/data');
    });

    it('gives the services their own listener, with TLS, SCRAM and ACLs', function () {
      assert.equal(
        properties.get('listener.security.protocol.map'),
        'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,CLIENT:SASL_SSL',
      );
      assert.equal(properties.get('listener.name.client.sasl.enabled.mechanisms'), 'SCRAM-SHA-512');
      assert.equal(properties.get('listener.name.client.ssl.keystore.type'), 'PEM');
      assert.equal(
        properties.get('authorizer.class.name'),
        'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      );
      assert.equal(properties.get('allow.everyone.if.no.acl.found'), 'false');
      // the orderers keep their plaintext listener as the super user
      assert.equal(properties.get('super.users'), 'User:ANONYMOUS');
    });
  });
});
