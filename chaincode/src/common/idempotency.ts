// Client request ids: a relay attaches transient field `requestId` to a submit;
// the first transaction that carries it records `request` + [id] and any later
// one is rejected with DUPLICATE_REQUEST, so a retry can never apply twice.
// Two in-flight transactions with the same id both read the key as absent, but
// both write it, so MVCC validation invalidates all but the first in block order.
import type { Context } from 'fabric-contract-api';
import { ChaincodeError, ErrorCode } from './errors';
import { decodeUtf8, getJson, putJson, txTimestamp } from './ledger';
import { requireIdentifier } from './validation';

export const REQUEST_ID_TRANSIENT_KEY = 'requestId';
export const REQUEST_OBJECT_TYPE = 'request';

export interface RequestRecord {
  requestId: string;
  txId: string;
  function: string;
  mspId: string;
  timestamp: string;
}

/** Transient field as text, or undefined when absent. */
export function transientText(ctx: Context, name: string): string | undefined {
  const value = ctx.stub.getTransient().get(name);
  return value === undefined ? undefined : decodeUtf8(value);
}

/**
 * Records the transaction's request id, if it has one. Called first in every
 * submit function so that a retried request reports DUPLICATE_REQUEST rather
 * than whatever business error its own earlier success would now cause.
 */
export async function claimRequestId(
  ctx: Context,
  functionName: string,
): Promise<string | undefined> {
  const raw = transientText(ctx, REQUEST_ID_TRANSIENT_KEY);
  if (raw === undefined) {
    return undefined;
  }
  const requestId = requireIdentifier('requestId', raw);
  const key = ctx.stub.createCompositeKey(REQUEST_OBJECT_TYPE, [requestId]);
  const previous = await getJson<RequestRecord>(ctx, key);
  if (previous) {
    throw new ChaincodeError(
      ErrorCode.DUPLICATE_REQUEST,
      `request ${requestId} was already processed by transaction ${previous.txId}`,
      'requestId',
    );
  }
  const record: RequestRecord = {
    requestId,
    txId: ctx.stub.getTxID(),
    function: functionName,
    mspId: ctx.clientIdentity.getMSPID(),
    timestamp: txTimestamp(ctx),
  };
  await putJson(ctx, key, record);
  return requestId;
}
