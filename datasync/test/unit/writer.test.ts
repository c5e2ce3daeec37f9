// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { readConfig } from '../../src/config';
import { decodeBlock } from '../../src/decode/block';
import { finalWrites } from '../../src/store/writer';
import { formatReport } from '../../src/verify/verify';
import { compositeKey, endorserBlock } from '../../src/testing/blocks';

describe('writer logic: the world state a block leaves behind', function () {
  it('keeps the last write of each key from VALID transactions only, in ledger order', function () {
    const block = decodeBlock(
      endorserBlock('c', 1, Buffer.alloc(32), [
        {
          txId: 't0',
          writes: [
            { key: 'k', value: '1' },
            { key: 'x', value: 'a' },
          ],
        },
        { txId: 't1', writes: [{ key: 'k', value: 'lost' }], validationCode: 11 },
        {
          txId: 't2',
          writes: [
            { key: 'k', value: '2' },
            { key: 'x', isDelete: true },
          ],
        },
        { txId: 't3', writes: [{ key: compositeKey('asset', 'A'), value: '{}' }] },
      ]).block,
    );
    const final = finalWrites(block).map((row) => [
      row.txId,
      row.write.key,
      row.write.value?.toString() ?? null,
      row.write.isDelete,
    ]);
    assert.deepEqual(final, [
      ['t2', 'k', '2', false],
      ['t2', 'x', null, true],
      ['t3', compositeKey('asset', 'A'), '{}', false],
    ]);
  });

  it('keeps the same key apart per namespace', function () {
    const block = decodeBlock(
      endorserBlock('c', 1, Buffer.alloc(32), [
        {
          txId: 't0',
          writes: [
            { key: 'k', value: '1' },
            { namespace: 'other', key: 'k', value: '2' },
          ],
        },
      ]).block,
    );
    assert.equal(finalWrites(block).length, 2);
  });
});

describe('configuration', function () {
  it('reads the Helm chart variables and builds a URL from libpq variables', function () {
    const config = readConfig({
      FABRIC_MSP_ID: 'Org2MSP',
      FABRIC_CHANNEL: 'consortium',
      FABRIC_PEER_ENDPOINTS: 'peer0:7051, peer1:7051',
      PGHOST: 'db',
      PGUSER: 'sync',
      PGPASSWORD: 'p@ss',
      PGDATABASE: 'mirror',
      PGSSLMODE: 'require',
    });
    assert.equal(config.port, 8080);
    assert.deepEqual(config.channels, ['consortium']);
    assert.deepEqual(config.fabric.peerEndpoints, ['peer0:7051', 'peer1:7051']);
    assert.equal(
      config.database.url,
      'postgres://sync:p%40ss@db:5432/mirror?sslmode=require&uselibpqcompat=true',
    );
    assert.equal(config.kafka.topic, 'ledger.events');
  });

  it('prefers DATABASE_URL, lists several channels, and embeds Postgres without either', function () {
    assert.equal(
      readConfig({ DATABASE_URL: 'postgres://x/y', PGHOST: 'db' }).database.url,
      'postgres://x/y',
    );
    assert.deepEqual(readConfig({ FABRIC_CHANNELS: 'a,b' }).channels, ['a', 'b']);
    assert.equal(readConfig({}).database.url, undefined);
    assert.throws(() => readConfig({ PORT: 'eighty' }), /PORT/);
  });
});

describe('verify report', function () {
  it('formats a verification report', function () {
    const text = formatReport({
      channels: [{ channel: 'c', mirroredBlocks: 3, blocksCompared: 0, keysSampled: 0 }],
      differences: [{ channel: 'c', block: 2, problem: 'hash differs' }],
      clean: false,
    });
    assert.match(text, /c: 3 blocks mirrored; ledger not consulted/);
    assert.match(text, /DIFFERENCE c block 2: hash differs/);
  });
});
