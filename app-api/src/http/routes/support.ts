// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';

import type { Logger } from '@consortia/common';
import { currentCorrelationId } from '@consortia/common';
import type { Request, Response } from 'express';

import type { AuthService } from '../../auth/auth-service';
import type { Principal } from '../../auth/permissions';
import type { DappClient, WriteCall } from '../../dapp/client';
import type { Freshness, MirrorReader } from '../../mirror/reader';
import type { AppStore } from '../../store/store';
import type { WriteRequest } from '../../store/write-requests';
import { callerOf, note } from '../context';
import { ApiError } from '../errors';
import {
  NOT_SUBMITTED,
  outcomeAfterError,
  outcomeFromDapp,
  outcomeWithoutDapp,
} from '../../dapp/write-status';

export interface RouteDependencies {
  store: AppStore;
  mirror: MirrorReader;
  dapp: DappClient;
  auth: AuthService;
  logger: Logger;
  passwordCost: number;
  /** Users created get their own Fabric identity (APP_API_USER_IDENTITIES). */
  userIdentities?: boolean;
  /** Default wait for the mirror (minBlock, wait=true). */
  waitTimeoutMs: number;
}

// The validator has checked and coerced every parameter; these only read them with their types.

export function queryText(request: Request, name: string): string | undefined {
  const value = request.query[name];
  return typeof value === 'string' ? value : undefined;
}

export function queryNumber(request: Request, name: string): number | undefined {
  const value = request.query[name] as unknown;
  if (typeof value === 'number') return value;
  return typeof value === 'string' && value !== '' ? Number(value) : undefined;
}

export function queryFlag(request: Request, name: string): boolean | undefined {
  const value = request.query[name] as unknown;
  if (typeof value === 'boolean') return value;
  return typeof value === 'string' ? value === 'true' : undefined;
}

export function pathText(request: Request, name: string): string {
  const value = request.params[name];
  return typeof value === 'string' ? value : '';
}

export function pageSize(request: Request): number {
  return queryNumber(request, 'limit') ?? 50;
}

/** `-updatedAt` → updatedAt, descending. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the sort keys it expects
export function sortOf<T extends string>(
  request: Request,
  fallback: string,
): { sort: T; descending: boolean } {
  const value = queryText(request, 'sort') ?? fallback;
  return value.startsWith('-')
    ? { sort: value.slice(1) as T, descending: true }
    : { sort: value as T, descending: false };
}

/**
 * The mirror's position before a read, so the answer's `syncedBlock` is a lower bound of what
 * it shows. With `minBlock`, waits until the mirror has that block (a portal reading its own
 * write), or answers 504 MIRROR_BEHIND.
 */
export async function freshRead(
  deps: RouteDependencies,
  request: Request,
  response: Response,
): Promise<Freshness> {
  const minBlock = queryNumber(request, 'minBlock');
  let freshness: Freshness;
  if (minBlock === undefined) {
    freshness = await deps.mirror.freshness();
  } else {
    const timeout = queryNumber(request, 'waitTimeoutMs') ?? deps.waitTimeoutMs;
    const waited = await deps.mirror.waitForBlock(minBlock, timeout);
    freshness = waited.freshness;
    if (!waited.reached) {
      throw new ApiError(
        504,
        'MIRROR_BEHIND',
        `the mirror has applied block ${freshness.syncedBlock}, not yet block ${minBlock}; retry shortly`,
        { mirror: freshness },
        { 'Retry-After': '1' },
      );
    }
  }
  response.setHeader('X-Mirror-Block', String(freshness.syncedBlock));
  return freshness;
}

export interface WriteSpec {
  /** The operation, as recorded with the request. */
  action: string;
  function: string;
  args: string[];
  transient?: Record<string, unknown>;
  target: string;
  /** The DAPP submits async requests with the same key in order. */
  key: string;
  /** 201 for a creation, 200 otherwise. */
  created: boolean;
  /** Sign as the organization (the DAPP's default identity) rather than the caller's own. */
  signAsOrganization?: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

async function mirrorWait(
  deps: RouteDependencies,
  request: Request,
  blockNumber: number,
): Promise<{ waited: boolean; reached: boolean; syncedBlock: number }> {
  if (queryFlag(request, 'wait')) {
    const timeout = queryNumber(request, 'waitTimeoutMs') ?? deps.waitTimeoutMs;
    const { reached, freshness } = await deps.mirror.waitForBlock(blockNumber, timeout);
    return { waited: true, reached, syncedBlock: freshness.syncedBlock };
  }
  const freshness = await deps.mirror.freshness();
  return {
    waited: false,
    reached: freshness.syncedBlock >= blockNumber,
    syncedBlock: freshness.syncedBlock,
  };
}

/** What a request asks, so an Idempotency-Key is honoured only for the same request. */
const hashOf = (spec: WriteSpec): string =>
  crypto
    .createHash('sha256')
    .update(JSON.stringify([spec.action, spec.function, spec.args, spec.transient ?? null]))
    .digest('hex');

/**
 * A repeated Idempotency-Key: the same user's retry of the same request sees the first one's
 * outcome, recorded as the DAPP reports it. Answers true when the first one never reached the
 * DAPP and was reopened: the caller then sends it again.
 */
async function replay(
  deps: RouteDependencies,
  request: Request,
  response: Response,
  principal: Principal,
  spec: WriteSpec,
  requestId: string,
  existing: WriteRequest,
): Promise<boolean> {
  if (
    existing.userId !== principal.userId ||
    existing.action !== spec.action ||
    (existing.requestHash !== null && existing.requestHash !== hashOf(spec))
  ) {
    throw new ApiError(
      409,
      'IDEMPOTENCY_KEY_REUSED',
      `the Idempotency-Key ${requestId} was already used for another request`,
    );
  }
  const status = await deps.dapp.request(requestId);
  if (status) {
    await deps.store.writes.recordOutcome(requestId, outcomeFromDapp(status));
  } else if (existing.status === 'failed' && (await deps.store.writes.resend(requestId))) {
    // Recorded failed and unknown to the DAPP: it never got there, so it may be sent now.
    return true;
  }
  const statusUrl = `/v1/requests/${encodeURIComponent(requestId)}`;
  if (status?.status === 'committed' && status.txId && status.blockNumber !== undefined) {
    note(response, { txId: status.txId });
    response.status(spec.created ? 201 : 200).json({
      requestId,
      status: 'committed',
      txId: status.txId,
      validationCode: status.validationCode,
      blockNumber: status.blockNumber,
      result: status.result ?? null,
      replayed: true,
      mirror: await mirrorWait(deps, request, status.blockNumber),
    });
    return false;
  }
  if (status?.status === 'queued') {
    response.status(202).location(statusUrl).json({ requestId, status: 'queued', statusUrl });
    return false;
  }
  if (
    status?.status === 'submitted' ||
    status?.status === 'unknown' ||
    (!status && outcomeWithoutDapp(existing, deps.dapp.timeoutMs) !== 'failed')
  ) {
    // Sent and not settled yet (or not yet known to the DAPP): its outcome is unknown until the
    // ledger says; the status URL follows it.
    const body: Record<string, unknown> = { requestId, status: 'unknown', statusUrl };
    if (status?.txId) body.txId = status.txId;
    response.status(202).location(statusUrl).json(body);
    return false;
  }
  throw new ApiError(409, 'DUPLICATE_REQUEST', `request ${requestId} was already made and failed`, {
    reason: status?.reason,
  });
}

/**
 * Relays a write to the DAPP as the user's signing identity, records who asked, and answers:
 * 201/200 with txId and block once committed (sync), or 202 with a status URL (async). With
 * `wait=true` a sync write is answered only once the mirror has its block.
 */
export async function relayWrite(
  deps: RouteDependencies,
  request: Request,
  response: Response,
  spec: WriteSpec,
): Promise<void> {
  const principal = callerOf(response);
  const mode = queryText(request, 'mode') === 'async' ? 'async' : 'sync';
  const offered = request.get('idempotency-key');
  const requestId = offered && REQUEST_ID.test(offered) ? offered : crypto.randomUUID();
  note(response, { target: spec.target, requestId });
  const dappCall: WriteCall = {
    function: spec.function,
    args: spec.args,
    transient: spec.transient,
    requestId,
    mode,
    key: spec.key,
    identity: spec.signAsOrganization ? undefined : principal.fabricIdentity,
  };
  const recorded = await deps.store.writes.create({
    requestId,
    userId: principal.userId,
    username: principal.username,
    action: spec.action,
    mode,
    target: spec.target,
    correlationId: currentCorrelationId() ?? null,
    requestHash: hashOf(spec),
    // Kept to be sent again if the DAPP never receives it; private data is never stored here.
    dappCall: spec.transient ? null : dappCall,
  });
  if (
    !recorded.created &&
    !(await replay(deps, request, response, principal, spec, requestId, recorded.existing))
  ) {
    return;
  }
  let outcome;
  try {
    outcome = await deps.dapp.submit(dappCall);
  } catch (error) {
    // A timeout or a lost answer may still commit: the DAPP's record says, or `unknown`.
    const settled = await outcomeAfterError(deps.dapp, requestId, error);
    await deps.store.writes.recordOutcome(requestId, settled).catch(() => undefined);
    throw error;
  }
  if (outcome.status === 'queued' || outcome.status === 'unknown') {
    await deps.store.writes.recordOutcome(requestId, {
      status: outcome.status,
      txId: outcome.status === 'unknown' ? outcome.txId : undefined,
    });
    const statusUrl = `/v1/requests/${encodeURIComponent(requestId)}`;
    const body: Record<string, unknown> = { requestId, status: outcome.status, statusUrl };
    if (outcome.status === 'unknown' && outcome.txId) body.txId = outcome.txId;
    response.status(202).location(statusUrl).json(body);
    return;
  }
  note(response, { txId: outcome.txId });
  await deps.store.writes.recordOutcome(requestId, {
    status: 'committed',
    txId: outcome.txId,
    blockNumber: String(outcome.blockNumber),
  });
  response.status(spec.created ? 201 : 200).json({
    ...outcome,
    mirror: await mirrorWait(deps, request, outcome.blockNumber),
  });
}

/** Status of a write request for its author (or a reader of any), with the mirror's position. */
export async function requestStatus(
  deps: RouteDependencies,
  request: Request,
  response: Response,
  requestId: string,
): Promise<void> {
  const principal = callerOf(response);
  const record = await deps.store.writes.get(requestId);
  // Someone else's request is reported as unknown, not as forbidden.
  if (
    !record ||
    (record.userId !== principal.userId && !principal.permissions.has('requests:read:any'))
  ) {
    throw new ApiError(404, 'REQUEST_NOT_FOUND', `no request with id '${requestId}'`);
  }
  const status = await deps.dapp.request(requestId);
  // The DAPP's record (settled from the ledger) is the truth; without one, see outcomeWithoutDapp.
  const settled = status
    ? outcomeFromDapp(status)
    : { status: outcomeWithoutDapp(record, deps.dapp.timeoutMs) };
  if (settled.status !== record.status) {
    await deps.store.writes.recordOutcome(requestId, settled);
  }
  const body: Record<string, unknown> = {
    requestId,
    action: record.action,
    username: record.username,
    status: settled.status,
  };
  if (status) {
    for (const field of ['txId', 'blockNumber', 'validationCode', 'result', 'reason'] as const) {
      if (status[field] !== undefined) body[field] = status[field];
    }
  } else if (settled.status === 'failed') {
    // Failed without a record at the DAPP: it never reached the DAPP, so never the ledger.
    body.reason = NOT_SUBMITTED;
  }
  if (status?.status === 'committed' && status.blockNumber !== undefined) {
    body.mirror = await mirrorWait(deps, request, status.blockNumber);
  }
  response.json(body);
}
