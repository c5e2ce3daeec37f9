// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { decodedBlock } from '../../bench/reads-build';
import { CHAINCODE, syntheticSpecs } from '../../bench/reads-chain';
import { decodeBlock } from '../../src/decode/block';
import { endorserBlock } from '../../src/testing';

describe('the reads benchmark builder', () => {
  it('hands the writer exactly what decoding the generated blocks gives', () => {
    const shape = { channel: 'build', transactions: 300, txPerBlock: 50, accounts: 100 };
    let previous = Buffer.alloc(32);
    let compared = 0;
    for (const spec of syntheticSpecs(shape)) {
      const decoded = decodeBlock(
        endorserBlock(shape.channel, spec.number, previous, spec.txs, CHAINCODE).block,
      );
      const built = decodedBlock(shape.channel, spec, previous.toString('hex'));
      assert.deepEqual(built.transactions, decoded.transactions);
      assert.equal(built.previousHash, decoded.previousHash);
      assert.deepEqual(
        [built.number, built.isConfig, built.timestamp],
        [decoded.number, decoded.isConfig, decoded.timestamp],
      );
      previous = Buffer.from(built.hash, 'hex');
      compared += built.transactions.length;
    }
    assert.equal(compared, shape.transactions);
  });
});
