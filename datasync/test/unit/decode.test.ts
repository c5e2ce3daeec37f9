// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import crypto from 'node:crypto';

import { common, ledger, peer } from '@hyperledger/fabric-protos';

import { decodeBlock, decodeBlockBytes } from '../../src/decode/block';
import { blockDataHash, blockHeaderHash } from '../../src/decode/hash';
import { escapeKey, jsonDocument, parseCompositeKey, unescapeKey } from '../../src/decode/keys';
import {
  compositeKey,
  configBlock,
  endorserBlock,
  kvRwSet,
  workloadChain,
} from '../../src/testing/blocks';

describe('block header hash (constructed blocks)', function () {
  it('is SHA-256 of the DER sequence of number, previous hash and data hash', function () {
    const previous = Buffer.alloc(32, 0xaa);
    const data = Buffer.alloc(32, 0xbb);
    const der = Buffer.concat([
      Buffer.from([0x30, 0x47, 0x02, 0x01, 0x01, 0x04, 0x20]),
      previous,
      Buffer.from([0x04, 0x20]),
      data,
    ]);
    const expected = crypto.createHash('sha256').update(der).digest();
    assert.deepEqual(blockHeaderHash(1, previous, data), expected);
  });

  it('encodes numbers with the high bit set with a leading zero, and block 0 as one zero byte', function () {
    const sha = (bytes: number[]) =>
      crypto.createHash('sha256').update(Buffer.from(bytes)).digest();
    assert.deepEqual(
      blockHeaderHash(128, Buffer.alloc(0), Buffer.alloc(0)),
      sha([0x30, 0x08, 0x02, 0x02, 0x00, 0x80, 0x04, 0x00, 0x04, 0x00]),
    );
    assert.deepEqual(
      blockHeaderHash(0, Buffer.alloc(0), Buffer.alloc(0)),
      sha([0x30, 0x07, 0x02, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]),
    );
  });

  it('uses the long length form for long hashes', function () {
    const previous = Buffer.alloc(200, 1);
    const hash = blockHeaderHash(5, previous, Buffer.alloc(0));
    assert.equal(hash.length, 32);
    assert.notDeepEqual(hash, blockHeaderHash(5, Buffer.alloc(199, 1), Buffer.alloc(0)));
  });

  it('data hash is SHA-256 over the concatenated entries', function () {
    assert.deepEqual(
      blockDataHash([Buffer.from('ab'), Buffer.from('c')]),
      crypto.createHash('sha256').update('abc').digest(),
    );
  });
});

describe('decodeBlock (constructed blocks)', function () {
  it('records a config block as such', function () {
    const { block, hash } = configBlock('consortium');
    const decoded = decodeBlock(block);
    assert.equal(decoded.channel, 'consortium');
    assert.equal(decoded.number, 0);
    assert.equal(decoded.isConfig, true);
    assert.equal(decoded.hash, hash.toString('hex'));
    assert.equal(decoded.previousHash, '');
    assert.equal(decoded.dataHashValid, true);
    assert.equal(decoded.transactions[0]!.type, 'CONFIG');
    assert.equal(decoded.transactions[0]!.creatorMsp, 'OrdererMSP');
    assert.equal(decoded.transactions[0]!.chaincode, null);
  });

  it('decodes headers, creator, chaincode, function, writes, events and validation codes', function () {
    const previous = configBlock('consortium');
    const { block } = endorserBlock('consortium', 1, previous.hash, [
      {
        txId: 'tx-1',
        args: ['AssetContract:CreateAsset', 'A1'],
        writes: [
          { key: compositeKey('asset', 'A1'), value: '{"id":"A1"}' },
          { key: 'plain', isDelete: true },
          { namespace: '_lifecycle', key: 'x', value: 'y' },
        ],
        event: { name: 'AssetCreated', payload: '{"id":"A1"}' },
        timestamp: new Date('2026-03-04T05:06:07.089Z'),
        transient: { correlationId: 'abc-123' },
      },
      { txId: 'tx-2', mspId: 'Org2MSP', validationCode: peer.TxValidationCode.MVCC_READ_CONFLICT },
    ]);
    const decoded = decodeBlockBytes(block.serializeBinary());
    assert.equal(decoded.number, 1);
    assert.equal(decoded.previousHash, previous.hash.toString('hex'));
    assert.equal(decoded.isConfig, false);
    assert.deepEqual(decoded.timestamp, new Date('2026-03-04T05:06:07.089Z'));
    const [first, second] = decoded.transactions;
    assert.equal(first!.txId, 'tx-1');
    assert.equal(first!.type, 'ENDORSER_TRANSACTION');
    assert.equal(first!.creatorMsp, 'Org1MSP');
    assert.match(first!.creatorSubject ?? '', /CN=User1@org1\.consortia\.local/);
    assert.equal(first!.chaincode, 'consortia');
    assert.equal(first!.functionName, 'AssetContract:CreateAsset');
    assert.equal(first!.validationName, 'VALID');
    assert.equal(first!.correlationId, 'abc-123');
    assert.deepEqual(
      first!.writes.map((write) => [
        write.namespace,
        write.key,
        write.value?.toString(),
        write.isDelete,
      ]),
      [
        ['consortia', compositeKey('asset', 'A1'), '{"id":"A1"}', false],
        ['consortia', 'plain', undefined, true],
        ['_lifecycle', 'x', 'y', false],
      ],
    );
    assert.deepEqual(
      first!.events.map((event) => [event.chaincode, event.name, event.payload.toString()]),
      [['consortia', 'AssetCreated', '{"id":"A1"}']],
    );
    assert.equal(second!.creatorMsp, 'Org2MSP');
    assert.equal(second!.validationCode, 11);
    assert.equal(second!.validationName, 'MVCC_READ_CONFLICT');
    assert.equal(second!.functionName, 'Noop');
    assert.equal(second!.correlationId, null);
    assert.deepEqual(second!.events, []);
  });

  it('takes a correlation id from the event payload when the proposal has none', function () {
    const chain = workloadChain('consortium', 2);
    const decoded = decodeBlock(chain[1]!);
    assert.equal(decoded.transactions[0]!.correlationId, 'corr-1-0');
  });

  it('flags a data hash that does not match the data', function () {
    const { block } = endorserBlock('c', 1, Buffer.alloc(32), [{ txId: 't' }]);
    block.getHeader()!.setDataHash(Buffer.alloc(32, 9));
    assert.equal(decodeBlock(block).dataHashValid, false);
  });

  it('adds private writes of VALID transactions when private data is delivered', function () {
    const { block } = endorserBlock('c', 1, Buffer.alloc(32), [
      { txId: 'a' },
      { txId: 'b', validationCode: peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE },
    ]);
    const privateSet = () => {
      const collection = new ledger.rwset.CollectionPvtReadWriteSet();
      collection.setCollectionName('_implicit_org_Org1MSP');
      collection.setRwset(kvRwSet([{ key: 'secret', value: '{"appraisedValue":1200}' }]));
      const ns = new ledger.rwset.NsPvtReadWriteSet();
      ns.setNamespace('consortia');
      ns.setCollectionPvtRwsetList([collection]);
      const tx = new ledger.rwset.TxPvtReadWriteSet();
      tx.setNsPvtRwsetList([ns]);
      return tx;
    };
    const decoded = decodeBlock(
      block,
      new Map([
        [0, privateSet()],
        [1, privateSet()],
      ]),
    );
    assert.deepEqual(
      decoded.transactions[0]!.writes.map((write) => [write.collection, write.key]),
      [['_implicit_org_Org1MSP', 'secret']],
    );
    assert.deepEqual(decoded.transactions[1]!.writes, []);
  });

  it('treats a block without a transactions filter as valid and rejects a block without header', function () {
    const { block } = endorserBlock('c', 1, Buffer.alloc(32), [{ txId: 'a' }]);
    block.setMetadata(new common.BlockMetadata());
    assert.equal(decodeBlock(block).transactions[0]!.validationCode, 0);
    assert.throws(() => decodeBlock(new common.Block()), /without a header/);
  });

  it('chains the workload blocks by previous hash', function () {
    const chain = workloadChain('consortium', 6).map((block) => decodeBlock(block));
    for (let number = 1; number < chain.length; number++) {
      assert.equal(chain[number]!.previousHash, chain[number - 1]!.hash);
    }
  });
});

describe('key encoding', function () {
  it('escapes U+0000 and backslashes losslessly', function () {
    for (const key of [compositeKey('asset', 'A1'), 'a\\0b', 'plain', '\\\u0000\\']) {
      assert.ok(!escapeKey(key).includes('\u0000'));
      assert.equal(unescapeKey(escapeKey(key)), key);
    }
    assert.equal(escapeKey(compositeKey('asset', 'A1')), '\\0asset\\0A1\\0');
  });

  it('splits composite keys and leaves simple keys alone', function () {
    assert.deepEqual(parseCompositeKey(compositeKey('credit', 'acct', 'tx')), {
      objectType: 'credit',
      attributes: ['acct', 'tx'],
    });
    assert.equal(parseCompositeKey('simple'), undefined);
    assert.equal(parseCompositeKey('\u0000'), undefined);
  });

  it('keeps only JSON documents for jsonb', function () {
    assert.equal(jsonDocument(Buffer.from('{"a":1}')), '{"a":1}');
    assert.equal(jsonDocument(Buffer.from('[1]')), '[1]');
    assert.equal(jsonDocument(Buffer.from('42')), undefined);
    assert.equal(jsonDocument(Buffer.from('{broken')), undefined);
    assert.equal(jsonDocument(Buffer.from('{"a":"\\u0000"}')), undefined);
    assert.equal(jsonDocument(null), undefined);
  });
});
