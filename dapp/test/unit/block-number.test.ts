// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { presentBlockNumber, presentRecord } from '../../src/http/ownership';
import { openApiDocument } from '../../src/http/openapi';
import type { RequestRecord } from '../../src/store/request-store';

// The DAPP and the app-api answer a block number the same way: a JSON number.
describe('block numbers in HTTP answers', function () {
  const record: RequestRecord = {
    requestId: 'alpha:order-1',
    caller: 'alpha',
    mode: 'sync',
    status: 'committed',
    channel: 'consortium',
    chaincode: 'consortia',
    function: 'AssetContract:CreateAsset',
    txId: 'a'.repeat(64),
    validationCode: 'VALID',
    blockNumber: '12',
    attempts: 1,
    attemptTxIds: ['a'.repeat(64)],
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:01.000Z',
  };

  it('presents a request status with a numeric blockNumber, none while not committed', function () {
    const shown = presentRecord(record);
    assert.equal(shown.blockNumber, 12);
    assert.equal(shown.requestId, 'order-1');
    const queued = presentRecord({ ...record, status: 'queued', blockNumber: undefined });
    assert.equal('blockNumber' in queued, false);
    assert.equal(presentBlockNumber('0'), 0);
  });

  it('declares blockNumber an integer in every schema of the document', function () {
    const schemas = openApiDocument.components.schemas as Record<
      string,
      { properties?: Record<string, { type?: string }> }
    >;
    const declared = Object.entries(schemas).filter(
      ([, schema]) => schema.properties?.blockNumber !== undefined,
    );
    assert.deepEqual(
      declared.map(([name]) => name),
      ['CommittedTransaction', 'RequestStatus', 'TransactionStatus'],
    );
    for (const [name, schema] of declared) {
      assert.equal(schema.properties?.blockNumber?.type, 'integer', name);
    }
  });
});
