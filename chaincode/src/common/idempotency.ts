// SPDX-License-Identifier: Apache-2.0
// Client request ids: a relay attaches transient field `requestId` to a submit;
// the first transaction that carries it records a claim and any later one with
// the same id from the same submitter is rejected, so a retry can never apply
// twice.
//
// The claim lives under `request` + [mspId, sha256(getID()), requestId]: ids are
// namespaced by the submitting identity, so one organization or client can never
// make another's request look already done. The claim also stores a hash of the
// call (function and arguments): a retry of the same call answers
// DUPLICATE_REQUEST (naming the transaction that carried it, which tells the
// relay its first attempt committed), while the same id on a different call
// answers REQUEST_ID_CONFLICT, so a relay never mistakes someone else's
// transaction for its own.
//
// Two in-flight transactions with the same claim key both read it as absent and
// both write it, so MVCC validation invalidates all but the first in block order.
import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { canonicalStringify } from './canonical-json';
import { ChaincodeError, ErrorCode } from './errors';
import { decodeUtf8, getJson, putJson, txTimestamp } from './ledger';
import { requireRequestId } from './validation';
import { REQUEST_OBJECT_TYPE } from '../contract/keys';

export const REQUEST_ID_TRANSIENT_KEY = 'requestId';
export { REQUEST_OBJECT_TYPE };

export interface RequestRecord {
  requestId: string;
  txId: string;
  function: string;
  mspId: string;
  /** sha256 hex of the submitter's ClientIdentity.getID(). */
  submitterHash: string;
  /** sha256 hex of the canonical JSON of [function, ...args]. */
  callHash: string;
  timestamp: string;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Hash identifying a call: sha256 hex over the canonical JSON of [function, ...args]. */
export function callHash(functionName: string, args: readonly unknown[]): string {
  return sha256Hex(canonicalStringify([functionName, ...args]));
}

/** Key of a submitter's claim on a request id. */
export function requestKey(ctx: Context, requestId: string): string {
  return ctx.stub.createCompositeKey(REQUEST_OBJECT_TYPE, [
    ctx.clientIdentity.getMSPID(),
    sha256Hex(ctx.clientIdentity.getID()),
    requestId,
  ]);
}

/** Transient field as text, or undefined when absent. */
export function transientText(ctx: Context, name: string): string | undefined {
  const value = ctx.stub.getTransient().get(name);
  return value === undefined ? undefined : decodeUtf8(value);
}

/**
 * Records the transaction's request id, if it has one. Called first in every
 * submit function (after argument checks) so that a retried request reports
 * DUPLICATE_REQUEST rather than whatever business error its own earlier success
 * would now cause. `args` are the function's arguments as received.
 */
export async function claimRequestId(
  ctx: Context,
  functionName: string,
  args: readonly unknown[],
): Promise<string | undefined> {
  const raw = transientText(ctx, REQUEST_ID_TRANSIENT_KEY);
  if (raw === undefined) {
    return undefined;
  }
  const requestId = requireRequestId('requestId', raw);
  const key = requestKey(ctx, requestId);
  const hash = callHash(functionName, args);
  const previous = await getJson<RequestRecord>(ctx, key);
  if (previous) {
    if (previous.callHash === hash) {
      // dapp/src/fabric/errors.ts reads the original txId from "transaction <txId>".
      throw new ChaincodeError(
        ErrorCode.DUPLICATE_REQUEST,
        `request ${requestId} was already processed by transaction ${previous.txId}`,
        'requestId',
      );
    }
    throw new ChaincodeError(
      ErrorCode.REQUEST_ID_CONFLICT,
      `request ${requestId} was already used by transaction ${previous.txId} for a different call (${previous.function})`,
      'requestId',
    );
  }
  const record: RequestRecord = {
    requestId,
    txId: ctx.stub.getTxID(),
    function: functionName,
    mspId: ctx.clientIdentity.getMSPID(),
    submitterHash: sha256Hex(ctx.clientIdentity.getID()),
    callHash: hash,
    timestamp: txTimestamp(ctx),
  };
  await putJson(ctx, key, record);
  return requestId;
}
