// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { common, orderer } from '@hyperledger/fabric-protos';

import { decodeChannelConfig } from '../../src/decode/channel-config';
import { configBlock, endorserBlock } from '../../src/testing/blocks';
import type { OrderingSpec } from '../../src/testing/channel-configs';
import { membershipConfig } from '../../src/testing/channel-configs';

describe('decodeChannelConfig (constructed config blocks)', function () {
  it('reads the application members with their anchor peers and the ordering organizations', function () {
    const { block } = configBlock(
      'members',
      3,
      undefined,
      membershipConfig(['Org1MSP', 'Org3MSP']),
    );
    const config = decodeChannelConfig(block);
    assert.ok(config);
    assert.deepEqual(
      config.members.map((member) => [member.name, member.mspId, member.anchorPeers]),
      [
        ['Org1MSP', 'Org1MSP', [{ host: 'peer0.org1msp', port: 7051 }]],
        ['Org3MSP', 'Org3MSP', [{ host: 'peer0.org3msp', port: 7051 }]],
      ],
    );
    assert.match(config.members[0]!.rootCertSubjects[0]!, /CN=User1@org1\.consortia\.local/);
    assert.deepEqual(config.ordererOrgs, [
      { name: 'OrdererOrg', mspId: 'OrdererMSP', endpoints: ['orderer0:7050'] },
    ]);
    // no ConsensusType value in the Orderer group: nothing to say about ordering
    assert.equal(config.ordering, null);
  });

  it('has no members for a config without an Application group, and no config for other blocks', function () {
    assert.deepEqual(decodeChannelConfig(configBlock('empty').block), undefined);
    const { block: withoutGroups } = configBlock('bare', 0, undefined, membershipConfig([]));
    assert.deepEqual(decodeChannelConfig(withoutGroups)?.members, []);
    const previous = configBlock('tx');
    const { block } = endorserBlock('tx', 1, previous.hash, [{ txId: 'a'.repeat(64), writes: [] }]);
    assert.equal(decodeChannelConfig(block), undefined);
  });

  describe('ordering (Orderer group ConsensusType)', function () {
    const ordering = (spec: OrderingSpec) =>
      decodeChannelConfig(
        configBlock('ordering', 5, undefined, membershipConfig(['Org1MSP'], spec)).block,
      )?.ordering;

    it('reads a Kafka config in normal state with its brokers', function () {
      assert.deepEqual(
        ordering({ type: 'kafka', kafkaBrokers: ['kafka0:9092', 'kafka1:9092', 'kafka2:9092'] }),
        {
          consensusType: 'kafka',
          state: 'normal',
          consenters: [],
          kafkaBrokers: ['kafka0:9092', 'kafka1:9092', 'kafka2:9092'],
        },
      );
    });

    it('reads a Kafka config put in maintenance', function () {
      assert.deepEqual(
        ordering({ type: 'kafka', state: 'maintenance', kafkaBrokers: ['kafka0:9092'] }),
        {
          consensusType: 'kafka',
          state: 'maintenance',
          consenters: [],
          kafkaBrokers: ['kafka0:9092'],
        },
      );
    });

    it('reads the Raft consenters of an etcdraft config, and not the brokers it still carries', function () {
      const consenters = [
        'orderer0.consortia.local:7050',
        'orderer1.consortia.local:8050',
        'orderer2:9050',
      ];
      assert.deepEqual(
        ordering({
          type: 'etcdraft',
          state: 'maintenance',
          consenters,
          kafkaBrokers: ['kafka0:9092'],
        }),
        {
          consensusType: 'etcdraft',
          state: 'maintenance',
          consenters: [
            { host: 'orderer0.consortia.local', port: 7050 },
            { host: 'orderer1.consortia.local', port: 8050 },
            { host: 'orderer2', port: 9050 },
          ],
          kafkaBrokers: [],
        },
      );
      assert.equal(ordering({ type: 'etcdraft', consenters })?.state, 'normal');
    });

    it('reads Kafka brokers kept in the channel group, and a solo config', function () {
      const config = membershipConfig(['Org1MSP'], { type: 'kafka' });
      const brokers = new orderer.KafkaBrokers();
      brokers.setBrokersList(['kafka9:9092']);
      const value = new common.ConfigValue();
      value.setValue(brokers.serializeBinary());
      config.getChannelGroup()!.getValuesMap().set('KafkaBrokers', value);
      assert.deepEqual(
        decodeChannelConfig(configBlock('ordering', 1, undefined, config).block)?.ordering
          ?.kafkaBrokers,
        ['kafka9:9092'],
      );
      assert.deepEqual(ordering({ type: 'solo' }), {
        consensusType: 'solo',
        state: 'normal',
        consenters: [],
        kafkaBrokers: [],
      });
    });

    it('refuses a consensus state Fabric does not define', function () {
      const config = membershipConfig(['Org1MSP']);
      const consensus = new orderer.ConsensusType();
      consensus.setType('etcdraft');
      consensus.setState(7 as 0);
      const value = new common.ConfigValue();
      value.setValue(consensus.serializeBinary());
      config
        .getChannelGroup()!
        .getGroupsMap()
        .get('Orderer')!
        .getValuesMap()
        .set('ConsensusType', value);
      assert.throws(
        () => decodeChannelConfig(configBlock('ordering', 1, undefined, config).block),
        /unknown consensus state 7/,
      );
    });
  });
});
