// SPDX-License-Identifier: Apache-2.0
// Fabric failures as FabricFailure classifies them, for tests that script a submitter's answers.
import { FabricFailure } from '../../src/fabric/errors';

/** An outage: the peer did not answer, nothing reached the orderer; worth another attempt. */
export const peerUnavailable = (): FabricFailure =>
  new FabricFailure({
    kind: 'unavailable',
    httpStatus: 503,
    code: 'PEER_UNAVAILABLE',
    message: 'connect ECONNREFUSED',
    retryable: true,
  });

/** The chaincode's own refusal: final, never retried. */
export const chaincodeRefusal = (): FabricFailure =>
  new FabricFailure({
    kind: 'chaincode',
    httpStatus: 422,
    code: 'INSUFFICIENT_FUNDS',
    message: 'balance too low',
    retryable: false,
  });
