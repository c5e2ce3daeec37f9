// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { decodeChannelConfig } from '../../src/decode/channel-config';
import { configBlock, endorserBlock } from '../../src/testing/blocks';
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
  });

  it('has no members for a config without an Application group, and no config for other blocks', function () {
    assert.deepEqual(decodeChannelConfig(configBlock('empty').block), undefined);
    const { block: withoutGroups } = configBlock('bare', 0, undefined, membershipConfig([]));
    assert.deepEqual(decodeChannelConfig(withoutGroups)?.members, []);
    const previous = configBlock('tx');
    const { block } = endorserBlock('tx', 1, previous.hash, [{ txId: 'a'.repeat(64), writes: [] }]);
    assert.equal(decodeChannelConfig(block), undefined);
  });
});
