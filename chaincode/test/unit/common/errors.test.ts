// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import {
  ChaincodeError,
  ErrorCode,
  alreadyExists,
  forbidden,
  invalidArgument,
  notFound,
  parseChaincodeError,
} from '../../../src/common/errors';

describe('errors', () => {
  it('puts code, field and message into a JSON message', () => {
    const error = invalidArgument('amount', 'bad amount');
    assert.ok(error instanceof ChaincodeError);
    assert.equal(
      error.message,
      '{"code":"INVALID_ARGUMENT","field":"amount","message":"bad amount"}',
    );
    assert.equal(error.code, ErrorCode.INVALID_ARGUMENT);
    assert.equal(error.field, 'amount');
    assert.equal(error.detail, 'bad amount');
    assert.equal(error.name, 'ChaincodeError');
  });

  it('omits the field when there is none', () => {
    assert.equal(notFound('gone').message, '{"code":"NOT_FOUND","message":"gone"}');
    assert.equal(alreadyExists('twice').code, 'ALREADY_EXISTS');
    assert.equal(forbidden('no').code, 'FORBIDDEN');
  });

  it('parses a message even when a peer or SDK wraps it', () => {
    const inner = forbidden('not yours').message;
    assert.deepEqual(parseChaincodeError(`endorsement failure: chaincode response 500, ${inner}`), {
      code: 'FORBIDDEN',
      message: 'not yours',
    });
  });

  it('returns undefined for foreign or malformed messages', () => {
    assert.equal(parseChaincodeError('plain failure'), undefined);
    assert.equal(parseChaincodeError('{"code": broken'), undefined);
    assert.equal(parseChaincodeError('{"code":"NOPE","message":"x"}'), undefined);
    assert.equal(parseChaincodeError('{"code":"NOT_FOUND"}'), undefined);
    assert.equal(parseChaincodeError('{"code":null}'), undefined);
  });
});
