// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { chaincodeDefinitions } from '../../src/mirror/lifecycle';
import { lifecycleWrites } from '../support/chain';

const rows = (name: string, version: string, sequence: number, blockNumber: number) =>
  (lifecycleWrites(name, version, sequence) ?? []).map((write) => ({
    key: write.key,
    value: Buffer.from(write.value ?? '', 'latin1'),
    blockNumber,
    txIndex: 0,
    txId: `tx-${name}-${sequence}`,
  }));

describe('chaincode definitions from _lifecycle state', function () {
  it('decodes version, sequence and plugins of each committed definition', function () {
    const definitions = chaincodeDefinitions([
      ...rows('zeta', '2.0', 3, 9),
      ...rows('alpha', '1.0.0', 1, 5),
      {
        key: 'namespaces/metadata/alpha',
        value: Buffer.from('x'),
        blockNumber: 5,
        txIndex: 0,
        txId: 't',
      },
    ]);
    assert.deepEqual(definitions, [
      {
        name: 'alpha',
        sequence: 1,
        version: '1.0.0',
        initRequired: false,
        endorsementPlugin: 'escc',
        validationPlugin: 'vscc',
        definedIn: { blockNumber: 5, txIndex: 0, txId: 'tx-alpha-1' },
      },
      {
        name: 'zeta',
        sequence: 3,
        version: '2.0',
        initRequired: false,
        endorsementPlugin: 'escc',
        validationPlugin: 'vscc',
        definedIn: { blockNumber: 9, txIndex: 0, txId: 'tx-zeta-3' },
      },
    ]);
  });

  it('skips values that are not what Fabric writes', function () {
    const definitions = chaincodeDefinitions([
      {
        key: 'namespaces/fields/broken/Sequence',
        value: Buffer.from([0xff, 0xff, 0xff]),
        blockNumber: 1,
        txIndex: 0,
        txId: 't',
      },
    ]);
    assert.deepEqual(definitions, [{ name: 'broken' }]);
  });
});
