// SPDX-License-Identifier: Apache-2.0
import type { DappClient, RequestStatus } from './client';
import { DappError } from './client';
import type { WriteRequest, WriteStatus } from '../store/write-requests';

/** What the app-api records about a write, from the DAPP's answer. */
export interface WriteOutcome {
  status: WriteStatus;
  txId?: string;
  blockNumber?: string;
}

/**
 * A DAPP that has no record of a request this long after it was relayed never received it: the
 * DAPP records every request before sending anything to Fabric, and a relay call ends (answer or
 * timeout) within the DAPP call timeout, so twice that leaves no in-flight call to race.
 */
export const neverReceivedAfterMs = (dappTimeoutMs: number): number => 2 * dappTimeoutMs;

/** Why a write the DAPP never received is recorded `failed`: nothing of it reached the ledger. */
export const NOT_SUBMITTED = {
  code: 'NOT_SUBMITTED',
  message:
    'the DAPP never received this request; nothing was sent to the ledger, so it may be sent again',
};

export function outcomeFromDapp(known: RequestStatus): WriteOutcome {
  const outcome: WriteOutcome = { status: known.status };
  if (known.txId) outcome.txId = known.txId;
  if (known.blockNumber !== undefined) outcome.blockNumber = String(known.blockNumber);
  return outcome;
}

/**
 * The DAPP refused the request itself (a 4xx other than 409, whose id it already knows), or the
 * connection was never made: nothing of it can reach the ledger.
 */
function certainlyNotSent(error: unknown): boolean {
  if (error instanceof DappError && error.code === 'DAPP_UNAVAILABLE') {
    return error.details.cause === 'ECONNREFUSED';
  }
  return refusedByDapp(error);
}

/** The DAPP answered and refused the request itself (a 4xx other than 409, an id it knows). */
export function refusedByDapp(error: unknown): boolean {
  return (
    error instanceof DappError && error.status >= 400 && error.status < 500 && error.status !== 409
  );
}

/**
 * What to record when relaying a write threw. The DAPP's own record is the truth when it can be
 * read; otherwise `failed` only when the request certainly never left, else `unknown` (the
 * status route asks the DAPP again later). Never a guessed `failed`.
 */
export async function outcomeAfterError(
  dapp: DappClient,
  requestId: string,
  error: unknown,
): Promise<WriteOutcome> {
  const known = await dapp.request(requestId).catch(() => null);
  if (known) return outcomeFromDapp(known);
  return { status: certainlyNotSent(error) ? 'failed' : 'unknown' };
}

/** The status to report (and keep) for a request the DAPP does not know (404). */
export function outcomeWithoutDapp(
  record: WriteRequest,
  dappTimeoutMs: number,
  now = Date.now(),
): WriteStatus {
  if (record.status === 'committed' || record.status === 'failed') return record.status;
  // A kept call is sent again by the write settler: the write is not lost, only not there yet.
  if (record.dappCall) return record.status;
  // Counted from the last time it was sent (a retry resends it), so no call is still in flight.
  return now - Date.parse(record.sentAt) > neverReceivedAfterMs(dappTimeoutMs)
    ? 'failed'
    : record.status;
}
