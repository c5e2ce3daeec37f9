// SPDX-License-Identifier: Apache-2.0
/**
 * Compares what the clients were told and what the DAPP and the app-api recorded with the
 * ledger's truth, per request and per fault phase.
 */
import type { RecordedStatus } from './clients';
import type { LedgerIndex } from './ledger';
import type { LoadRequest } from './load';
import type { Stack } from './stack';

const FINAL = new Set(['committed', 'failed']);

/**
 * Failure codes that mean the stack gave up on a request (never sent, or retries ran out on an
 * outage), not that the ledger or the chaincode refused it: such an accepted request is lost.
 */
const GAVE_UP = new Set([
  'NOT_SUBMITTED',
  'PEER_UNAVAILABLE',
  'COMMIT_STATUS_UNKNOWN',
  'FABRIC_TIMEOUT',
  'ENDORSEMENT_FAILED',
  'ORDERING_FAILED',
  'FABRIC_BUSY',
  'FABRIC_ERROR',
  'UNVERIFIED_MESSAGE',
  'DAPP_UNAVAILABLE',
]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RequestVerdict {
  request: LoadRequest;
  landed: string[];
  statuses: { source: 'dapp' | 'app-api'; status: RecordedStatus }[];
  lost: boolean;
  duplicated: boolean;
  wrongStatus: boolean;
  /**
   * Accepted, not on the ledger, and recorded failed for a cause the ledger or the chaincode
   * gave (an invalidated transaction, a business refusal): not lost, its status is the truth.
   */
  failedHonestly: boolean;
}

export interface PhaseCounts {
  requests: number;
  sent: number;
  lost: number;
  duplicated: number;
  wrongStatus: number;
  failed: number;
}

/** What each service that handled the request records now. */
async function statusesOf(stack: Stack, request: LoadRequest): Promise<RequestVerdict['statuses']> {
  const dapp = { source: 'dapp' as const, status: await stack.dapp.status(request.requestId) };
  if (request.via === 'dapp') return [dapp];
  const appApi = stack.appApis[request.user] ?? stack.appApi;
  return [{ source: 'app-api', status: await appApi.status(request.requestId) }, dapp];
}

/** Whether the request matters for status checks: accepted, or known to a service. */
const known = (statuses: RequestVerdict['statuses']) =>
  statuses.some(
    (entry) => entry.status.status !== 'missing' && !entry.status.status.startsWith('http-'),
  );

/** Accepted, or known to the DAPP after a retry: either way a service must hold it. */
const held = (request: LoadRequest) => request.accepted || request.heldAfterRetry === true;

const unresolved = (request: LoadRequest, status: RecordedStatus) =>
  !FINAL.has(status.status) && (held(request) || status.status !== 'missing');

/**
 * Polls the services until every request they know of has a final status, or the time is up
 * (bounded); `unknown`/`queued`/`submitted` are allowed only until then.
 */
export async function settleStatuses(
  stack: Stack,
  requests: readonly LoadRequest[],
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let pending = [...requests];
  while (pending.length > 0) {
    const next: LoadRequest[] = [];
    for (const request of pending) {
      if (Date.now() > deadline) {
        next.push(request);
        continue;
      }
      // the app-api reads each status from the DAPP, so the DAPP's settling settles both
      if (unresolved(request, await stack.dapp.status(request.requestId))) next.push(request);
    }
    pending = next;
    if (pending.length === 0 || Date.now() > deadline) break;
    await sleep(2000);
  }
  return pending.length;
}

export async function judge(
  stack: Stack,
  ledger: LedgerIndex,
  request: LoadRequest,
): Promise<RequestVerdict> {
  const landed = ledger.landed(request.marker);
  const statuses = await statusesOf(stack, request);
  const onLedger = landed.length > 0;
  const wrong = (status: RecordedStatus): boolean => {
    if (status.status === 'committed')
      return !onLedger || (status.txId !== undefined && !landed.includes(status.txId));
    if (status.status === 'failed') return onLedger;
    // missing is right only for a request the service never accepted and that never ran
    if (status.status === 'missing') return held(request) || onLedger;
    return true; // queued, submitted, unknown, or unreadable (http-…) after recovery
  };
  const wrongStatus =
    (held(request) || known(statuses)) && statuses.some((entry) => wrong(entry.status));
  const dapp = statuses.find((entry) => entry.source === 'dapp')?.status;
  const refused =
    dapp?.status === 'failed' && dapp.reason !== undefined && !GAVE_UP.has(dapp.reason);
  const failedHonestly = request.accepted && !onLedger && refused && !wrongStatus;
  return {
    request,
    landed,
    statuses,
    lost: request.accepted && !onLedger && !failedHonestly,
    duplicated: landed.length > 1,
    wrongStatus,
    failedHonestly,
  };
}

export function countPhase(verdicts: readonly RequestVerdict[]): PhaseCounts {
  return {
    requests: verdicts.filter((verdict) => verdict.request.accepted).length,
    sent: verdicts.length,
    lost: verdicts.filter((verdict) => verdict.lost).length,
    duplicated: verdicts.filter((verdict) => verdict.duplicated).length,
    wrongStatus: verdicts.filter((verdict) => verdict.wrongStatus).length,
    failed: verdicts.filter((verdict) => verdict.failedHonestly).length,
  };
}

/** One line per bad request, for the report's details. */
export function describeVerdict(verdict: RequestVerdict): string {
  const { request } = verdict;
  const problems = [
    verdict.lost ? 'LOST' : '',
    verdict.duplicated ? `DUPLICATED x${verdict.landed.length}` : '',
    verdict.wrongStatus ? 'WRONG STATUS' : '',
  ].filter(Boolean);
  const statuses = verdict.statuses
    .map(
      (entry) =>
        `${entry.source}=${entry.status.status}${entry.status.reason ? `[${entry.status.reason}]` : ''}${entry.status.txId ? `(${entry.status.txId.slice(0, 10)})` : ''}`,
    )
    .join(' ');
  return `${problems.join(', ')}: ${request.requestId} ${request.via} ${request.mode} ${request.kind} answers=[${request.answers.join(',')}] ledger=${verdict.landed.map((tx) => tx.slice(0, 10)).join(',') || 'none'} ${statuses}`;
}
