// SPDX-License-Identifier: Apache-2.0
// Error mapping from the real fabric-gateway error classes to HTTP answers.
import assert from 'node:assert/strict';

import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { CommitError, EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import type { ErrorDetail } from '@hyperledger/fabric-gateway';

import {
  classifyFabricError,
  commitFailure,
  FabricFailure,
  parseChaincodeError,
  validationName,
} from '../../src/fabric/errors';
import { ValidationError } from '../../src/fabric/metadata';
import { ApiError, errorAnswer } from '../../src/http/errors';

const TX = 'f'.repeat(64);
const ORIGINAL = 'e'.repeat(64);

function serviceError(code: GrpcStatus, message: string): ServiceError {
  return Object.assign(new Error(`${code} ${message}`), {
    code,
    details: message,
    metadata: new Metadata(),
  });
}

function endorseError(code: GrpcStatus, message: string, details: ErrorDetail[]): EndorseError {
  return new EndorseError({
    code,
    details,
    cause: serviceError(code, message),
    transactionId: TX,
    message: `${code} ${message}`,
  });
}

const peerMessage = (mspId: string, body: Record<string, unknown>): ErrorDetail => ({
  address: `peer0.${mspId.toLowerCase()}:7051`,
  mspId,
  message: `chaincode response 500, ${JSON.stringify(body)}`,
});

describe('Fabric error mapping', function () {
  it('finds the chaincode JSON error inside wrapping text', function () {
    assert.deepEqual(
      parseChaincodeError(
        'error in simulation: transaction returned with failure: {"code":"NOT_FOUND","message":"asset a1 does not exist"} (extra)',
      ),
      { code: 'NOT_FOUND', message: 'asset a1 does not exist' },
    );
    assert.deepEqual(
      parseChaincodeError('{"code":"INVALID_ARGUMENT","field":"amount","message":"bad"}'),
      { code: 'INVALID_ARGUMENT', field: 'amount', message: 'bad' },
    );
    assert.equal(parseChaincodeError('plain failure'), undefined);
    assert.equal(parseChaincodeError('{"code": broken'), undefined);
  });

  for (const [code, status] of [
    ['INVALID_ARGUMENT', 400],
    ['NOT_FOUND', 404],
    ['FORBIDDEN', 403],
    ['ALREADY_EXISTS', 409],
    ['OWNER_MISMATCH', 409],
    ['REQUEST_ID_CONFLICT', 409],
    ['INSUFFICIENT_FUNDS', 422],
  ] as const) {
    it(`maps the chaincode's ${code} to ${status} and passes its error through`, function () {
      const body = { code, field: 'id', message: `${code} happened` };
      const failure = classifyFabricError(
        endorseError(GrpcStatus.ABORTED, 'failed to endorse transaction', [
          peerMessage('Org1MSP', body),
          peerMessage('Org2MSP', body),
        ]),
      );
      assert.equal(failure.kind, 'chaincode');
      assert.equal(failure.httpStatus, status);
      assert.equal(failure.retryable, false);
      assert.deepEqual(failure.chaincodeError, body);
      const answer = errorAnswer(failure);
      assert.equal(answer.status, status);
      assert.deepEqual(answer.body.error.chaincode, body);
      assert.equal((answer.body.error.details as unknown[]).length, 2, 'each peer listed');
    });
  }

  it('reads DUPLICATE_REQUEST as 409 naming the original transaction', function () {
    const message = `request r-1 was already processed by transaction ${ORIGINAL}`;
    const failure = classifyFabricError(
      endorseError(GrpcStatus.ABORTED, 'failed to endorse', [
        peerMessage('Org1MSP', { code: 'DUPLICATE_REQUEST', field: 'requestId', message }),
      ]),
    );
    assert.equal(failure.kind, 'duplicate');
    assert.equal(failure.httpStatus, 409);
    assert.equal(failure.originalTxId, ORIGINAL);
    assert.equal(errorAnswer(failure).body.error.originalTxId, ORIGINAL);
  });

  it('lists every peer message of an endorsement failure without a chaincode error', function () {
    const failure = classifyFabricError(
      endorseError(GrpcStatus.ABORTED, 'failed to collect enough transaction endorsements', [
        {
          address: 'peer0.org1:7051',
          mspId: 'Org1MSP',
          message: 'ProposalResponsePayloads do not match',
        },
        { address: 'peer0.org2:9051', mspId: 'Org2MSP', message: 'access denied' },
      ]),
    );
    assert.equal(failure.kind, 'endorsement');
    assert.equal(failure.httpStatus, 502);
    assert.equal(failure.code, 'ENDORSEMENT_FAILED');
    assert.equal(failure.txId, TX);
    assert.deepEqual(
      failure.nodes.map((node) => `${node.mspId}: ${node.message}`),
      ['Org1MSP: ProposalResponsePayloads do not match', 'Org2MSP: access denied'],
    );
  });

  it('retries endorsement failures that pass: a lagging peer, a chaincode service down', function () {
    for (const message of [
      'ProposalResponsePayloads do not match',
      'error in simulation: failed to execute transaction: could not launch chaincode consortia_1.0: connection refused',
    ]) {
      for (const code of [GrpcStatus.ABORTED, GrpcStatus.UNKNOWN]) {
        const failure = classifyFabricError(
          endorseError(code, 'failed to endorse transaction', [
            { address: 'peer0.org1:7051', mspId: 'Org1MSP', message },
          ]),
        );
        assert.equal(failure.code, 'ENDORSEMENT_FAILED');
        assert.equal(failure.retryable, true, `${code} ${message}`);
      }
    }
  });

  it('answers 503 and retries when no peer can be reached', function () {
    const failure = classifyFabricError(
      new GatewayError({
        code: GrpcStatus.UNAVAILABLE,
        details: [],
        cause: serviceError(GrpcStatus.UNAVAILABLE, 'No connection established'),
        message: '14 UNAVAILABLE: No connection established',
      }),
    );
    assert.equal(failure.kind, 'unavailable');
    assert.equal(failure.httpStatus, 503);
    assert.equal(failure.retryable, true);
    assert.equal(classifyFabricError(serviceError(GrpcStatus.UNAVAILABLE, 'down')).httpStatus, 503);
  });

  it('answers 504 on a deadline and retries', function () {
    const failure = classifyFabricError(
      serviceError(GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded'),
    );
    assert.equal(failure.httpStatus, 504);
    assert.equal(failure.retryable, true);
  });

  it('treats an orderer refusal as retryable when transient', function () {
    // fabric-gateway exports SubmitError as a type only; its instances are GatewayErrors so named.
    const submitError = Object.assign(
      new GatewayError({
        code: GrpcStatus.ABORTED,
        details: [
          { address: 'orderer0:7050', mspId: 'OrdererMSP', message: 'SERVICE_UNAVAILABLE' },
        ],
        cause: serviceError(GrpcStatus.ABORTED, 'failed to send transaction to orderer'),
        message: '10 ABORTED: failed to send transaction to orderer',
      }),
      { name: 'SubmitError', transactionId: TX },
    );
    const failure = classifyFabricError(submitError);
    assert.equal(failure.kind, 'ordering');
    assert.equal(failure.httpStatus, 503);
    assert.equal(failure.retryable, true);
  });

  it('names a failed commit-status wait as unknown commit status, not an endorsement failure', function () {
    const statusError = Object.assign(
      new GatewayError({
        code: GrpcStatus.UNAVAILABLE,
        details: [],
        cause: serviceError(GrpcStatus.UNAVAILABLE, 'connection dropped'),
        message: '14 UNAVAILABLE: connection dropped',
      }),
      { name: 'CommitStatusError', transactionId: TX },
    );
    const failure = classifyFabricError(statusError);
    assert.equal(failure.code, 'COMMIT_STATUS_UNKNOWN');
    assert.equal(failure.kind, 'unavailable');
    assert.equal(failure.txId, TX);
    assert.equal(failure.validationCode, undefined, 'not a verdict of the ledger');
  });

  it('retries MVCC and phantom read conflicts, not other invalidations', function () {
    const mvcc = classifyFabricError(
      new CommitError({ code: 11, transactionId: TX, message: 'x' }),
    );
    assert.equal(mvcc.kind, 'conflict');
    assert.equal(mvcc.code, 'MVCC_READ_CONFLICT');
    assert.equal(mvcc.retryable, true);
    assert.equal(commitFailure(12, TX).retryable, true);
    const policy = commitFailure(10, TX);
    assert.equal(policy.code, 'ENDORSEMENT_POLICY_FAILURE');
    assert.equal(policy.retryable, false);
    assert.equal(policy.httpStatus, 502);
    assert.equal(validationName(0), 'VALID');
    assert.equal(validationName(999), 'CODE_999');
  });

  it('names a missing chaincode or channel as 404', function () {
    const chaincode = classifyFabricError(
      new GatewayError({
        code: GrpcStatus.FAILED_PRECONDITION,
        details: [],
        cause: serviceError(GrpcStatus.FAILED_PRECONDITION, 'x'),
        message: "9 FAILED_PRECONDITION: chaincode definition for 'nope' not found",
      }),
    );
    assert.equal(chaincode.code, 'UNKNOWN_CHAINCODE');
    assert.equal(chaincode.httpStatus, 404);
    const channel = classifyFabricError(
      serviceError(GrpcStatus.NOT_FOUND, 'channel mychannel not found'),
    );
    assert.equal(channel.code, 'UNKNOWN_CHANNEL');
    const denied = classifyFabricError(
      serviceError(GrpcStatus.PERMISSION_DENIED, 'creator unknown'),
    );
    assert.equal(denied.httpStatus, 403);
    const other = classifyFabricError(new Error('boom'));
    assert.equal(other.kind, 'internal');
    assert.equal(classifyFabricError(other), other, 'already classified');
  });

  it('turns API and validation errors into their answers, and hides unexpected ones', function () {
    assert.equal(errorAnswer(new ApiError(404, 'X', 'gone')).status, 404);
    const invalid = errorAnswer(new ValidationError('INVALID_ARGUMENT', ['a', 'b']));
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.body.error.problems, ['a', 'b']);
    assert.equal(
      errorAnswer(Object.assign(new Error('x'), { type: 'entity.too.large' })).status,
      413,
    );
    const hidden = errorAnswer(new Error('secret detail'));
    assert.equal(hidden.status, 500);
    assert.doesNotMatch(JSON.stringify(hidden.body), /secret/);
    assert.ok(
      new FabricFailure({
        kind: 'internal',
        httpStatus: 500,
        code: 'X',
        message: 'm',
        retryable: false,
      }).toJSON(),
    );
  });
});
