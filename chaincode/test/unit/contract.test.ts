// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  ASSET_OBJECT_TYPE,
  AssetEvents,
  ErrorCode,
  TokenEvents,
  isErrorCode,
  parseChaincodeError,
} from '../../src/contract';

const CONTRACT_DIR = path.resolve(__dirname, '..', '..', 'src', 'contract');

describe('contract (what clients import)', () => {
  it('imports nothing but its own files, so services load none of the contract runtime', () => {
    for (const file of fs.readdirSync(CONTRACT_DIR)) {
      const text = fs.readFileSync(path.join(CONTRACT_DIR, file), 'utf8');
      const sources = [...text.matchAll(/(?:from|require\()\s*'([^']+)'/g)].map((m) => m[1]);
      assert.deepEqual(
        sources.filter((source) => !source?.startsWith('./')),
        [],
        file,
      );
    }
  });

  it('reads an error body with a code a newer chaincode may add', () => {
    assert.deepEqual(parseChaincodeError('{"code":"NEW_CODE","message":"x"}'), {
      code: 'NEW_CODE',
      message: 'x',
    });
    assert.equal(isErrorCode('NEW_CODE'), false);
    assert.equal(isErrorCode(ErrorCode.CAP_EXCEEDED), true);
  });

  it('finds the body when more text with braces follows it', () => {
    const text = 'failed: {"code":"NOT_FOUND","field":"id","message":"no asset"} (peer {p0})';
    assert.deepEqual(parseChaincodeError(text), {
      code: 'NOT_FOUND',
      field: 'id',
      message: 'no asset',
    });
    assert.equal(
      parseChaincodeError('{"code":"NOT_FOUND","field":1,"message":"m"}')?.field,
      undefined,
    );
  });

  it('names events and object types uniquely', () => {
    const events = [...Object.values(AssetEvents), ...Object.values(TokenEvents)];
    assert.equal(new Set(events).size, events.length);
    assert.equal(ASSET_OBJECT_TYPE, 'asset');
  });
});
