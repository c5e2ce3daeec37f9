// SPDX-License-Identifier: Apache-2.0
import type { Response } from 'express';

import type { Caller, CallerPolicy } from '../access/callers';
import type { RequestRecord } from '../store/request-store';
import type { z } from './api/kit';
import type { RequestStatus } from './api/ledger';
import { ApiError } from './errors';

/** The authenticated caller (set by `authenticate`). */
export function callerOf(response: Response): Caller {
  const caller = response.locals.caller as Caller | undefined;
  if (!caller) throw new Error('no authenticated caller on this request');
  return caller;
}

/**
 * Refuses an identity the caller may not use. An identity that does not exist gets the same
 * answer, and neither lists the identities that do, so names cannot be probed.
 */
export function requireIdentity(
  policy: CallerPolicy,
  caller: Caller,
  identity: string | undefined,
): void {
  if (!policy.mayUse(caller.id, identity)) {
    throw new ApiError(
      403,
      'IDENTITY_FORBIDDEN',
      `this caller may not use the Fabric identity '${identity ?? 'default'}'`,
    );
  }
}

/** The caller's own request id: the stored id without the `<caller>:` prefix. */
export function ownRequestId(record: Pick<RequestRecord, 'requestId' | 'caller'>): string {
  return record.requestId.slice(record.caller.length + 1);
}

/**
 * A block number as the HTTP API answers it: a JSON number, as the app-api answers it too (kept
 * as text inside the DAPP, where it comes from a uint64; block numbers stay far below 2^53).
 */
export function presentBlockNumber(blockNumber: string): number;
export function presentBlockNumber(blockNumber: string | undefined): number | undefined;
export function presentBlockNumber(blockNumber: string | undefined): number | undefined {
  return blockNumber === undefined || blockNumber === '' ? undefined : Number(blockNumber);
}

/** A request as its caller sees it: under the caller's own id, without internal fields. */
export function presentRecord(record: RequestRecord): z.input<typeof RequestStatus> {
  const visible: Record<string, unknown> = {
    ...record,
    requestId: ownRequestId(record),
    blockNumber: presentBlockNumber(record.blockNumber),
  };
  if (visible.blockNumber === undefined) delete visible.blockNumber;
  delete visible.requestHash;
  delete visible.caller;
  // What is left is RequestStatus; the answer check holds every answer to it.
  return visible as z.input<typeof RequestStatus>;
}

/**
 * A request id the caller used before: 409 either way, with the caller's own record (the only
 * record an id can name, since ids are per caller). `sameBody` tells a retry of a finished
 * request (DUPLICATE_REQUEST) from another request under a reused id (REQUEST_ID_CONFLICT).
 */
export function alreadyKnown(existing: RequestRecord, sameBody: boolean): ApiError {
  const id = ownRequestId(existing);
  return sameBody
    ? new ApiError(409, 'DUPLICATE_REQUEST', `request ${id} is already known`, {
        request: presentRecord(existing),
      })
    : new ApiError(
        409,
        'REQUEST_ID_CONFLICT',
        `request ${id} is already known with a different function, arguments, transient data or identity`,
        { request: presentRecord(existing) },
      );
}
