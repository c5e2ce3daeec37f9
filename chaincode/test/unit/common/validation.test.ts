// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { ChaincodeError } from '../../../src/common/errors';
import {
  MAX_JSON_BYTES,
  optionalBookmark,
  parseJsonObject,
  requireIdentifier,
  requirePageSize,
  requireRequestId,
  requireText,
} from '../../../src/common/validation';

function invalid(fn: () => unknown, field: string): void {
  assert.throws(
    fn,
    (error: unknown) =>
      error instanceof ChaincodeError && error.code === 'INVALID_ARGUMENT' && error.field === field,
  );
}

describe('validation', () => {
  it('accepts identifiers and rejects unsafe ones', () => {
    assert.equal(requireIdentifier('id', 'asset-1.a_b:c@d'), 'asset-1.a_b:c@d');
    invalid(() => requireIdentifier('id', ''), 'id');
    invalid(() => requireIdentifier('id', undefined), 'id');
    invalid(() => requireIdentifier('id', '-lead'), 'id');
    invalid(() => requireIdentifier('id', 'has space'), 'id');
    invalid(() => requireIdentifier('id', 'nul\u0000'), 'id');
    invalid(() => requireIdentifier('id', 'x'.repeat(129)), 'id');
  });

  it('checks free text', () => {
    assert.equal(requireText('name', 'Consortia Coin', 64), 'Consortia Coin');
    invalid(() => requireText('name', '   ', 64), 'name');
    invalid(() => requireText('name', 7, 64), 'name');
    invalid(() => requireText('name', ' padded', 64), 'name');
    invalid(() => requireText('name', 'x'.repeat(65), 64), 'name');
  });

  it('parses JSON objects only', () => {
    assert.deepEqual(parseJsonObject('a', '{"k":[1]}'), { k: [1] });
    invalid(() => parseJsonObject('a', ''), 'a');
    invalid(() => parseJsonObject('a', 3), 'a');
    invalid(() => parseJsonObject('a', '{nope'), 'a');
    invalid(() => parseJsonObject('a', '[1]'), 'a');
    invalid(() => parseJsonObject('a', 'null'), 'a');
    invalid(() => parseJsonObject('a', `{"k":"${'x'.repeat(MAX_JSON_BYTES)}"}`), 'a');
  });

  it('bounds page sizes', () => {
    assert.equal(requirePageSize(1), 1);
    assert.equal(requirePageSize(200), 200);
    for (const bad of [0, 201, 2.5, '10', Number.NaN]) {
      invalid(() => requirePageSize(bad), 'pageSize');
    }
  });

  it('normalises bookmarks', () => {
    assert.equal(optionalBookmark(undefined), '');
    assert.equal(optionalBookmark(null), '');
    assert.equal(optionalBookmark(''), '');
    assert.equal(optionalBookmark('abc'), 'abc');
    invalid(() => optionalBookmark(5), 'bookmark');
    invalid(() => optionalBookmark('x'.repeat(1025)), 'bookmark');
  });

  it('accepts request ids of up to 256 characters of the id alphabet, any first character', () => {
    assert.equal(requireRequestId('requestId', `key:${'a'.repeat(252)}`).length, 256);
    assert.equal(requireRequestId('requestId', '.x'), '.x');
    invalid(() => requireRequestId('requestId', 7), 'requestId');
    invalid(() => requireRequestId('requestId', ''), 'requestId');
    invalid(() => requireRequestId('requestId', 'a'.repeat(257)), 'requestId');
    invalid(() => requireRequestId('requestId', 'a/b'), 'requestId');
  });
});
