// SPDX-License-Identifier: Apache-2.0
// Assertion helpers for structured chaincode errors.
import assert from 'node:assert/strict';
import { parseChaincodeError, type ErrorBody, type ErrorCode } from '../../src/common/errors';

/** Awaits a rejection and checks its parsed JSON message. */
export async function rejectsWith(
  promise: Promise<unknown>,
  code: ErrorCode,
  field?: string,
): Promise<ErrorBody> {
  let failure: unknown;
  try {
    await promise;
  } catch (error) {
    failure = error;
  }
  assert.ok(failure instanceof Error, `expected a ${code} rejection, but the call succeeded`);
  const body = parseChaincodeError(failure.message);
  assert.ok(body, `not a structured error: ${failure.message}`);
  assert.equal(body.code, code, failure.message);
  if (field !== undefined) {
    assert.equal(body.field, field, failure.message);
  }
  return body;
}
