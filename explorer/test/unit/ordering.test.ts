// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { orderingNodes, orderingSummary } from '../../web/src/ordering';

describe('the Members page ordering line', function () {
  it('says the consensus type and state, with the consenters or brokers counted', function () {
    const consenters = [
      { host: 'orderer0', port: 7050 },
      { host: 'orderer1', port: 8050 },
      { host: 'orderer2', port: 9050 },
    ];
    const raft = {
      consensusType: 'etcdraft',
      state: 'normal' as const,
      consenters,
      kafkaBrokers: [],
    };
    assert.equal(orderingSummary(raft), 'etcdraft (normal), 3 consenters');
    assert.deepEqual(orderingNodes(raft), ['orderer0:7050', 'orderer1:8050', 'orderer2:9050']);
    const kafka = {
      consensusType: 'kafka',
      state: 'maintenance' as const,
      consenters: [],
      kafkaBrokers: ['kafka0:9092'],
    };
    assert.equal(orderingSummary(kafka), 'kafka (maintenance), 1 broker');
    assert.deepEqual(orderingNodes(kafka), ['kafka0:9092']);
    assert.equal(
      orderingSummary({ consensusType: 'solo', state: 'normal', consenters: [], kafkaBrokers: [] }),
      'solo (normal)',
    );
    assert.equal(orderingSummary(null), 'not recorded');
    assert.deepEqual(orderingNodes(null), []);
  });
});
