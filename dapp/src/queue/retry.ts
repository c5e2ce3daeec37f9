// SPDX-License-Identifier: Apache-2.0
import { backoffDelay as commonBackoffDelay } from '@consortia/common/backoff';

import { classifyFabricError } from '../fabric/errors';
import type { FabricFailure } from '../fabric/errors';
import type { CommittedTransaction, Submitter, TransactionCall } from '../fabric/submitter';
import type { FailureReason } from '../store/request-store';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * When set, transient failures are retried for this long (from the first attempt) instead of
   * `maxAttempts` times: the queue worker's policy, since nobody waits on an accepted request and
   * a peer restart, a chaincode crash or an ordering outage outlast a few quick attempts.
   */
  windowMs?: number;
}

/**
 * Exponential backoff with full jitter: attempt n (1-based, the one that just failed) waits a
 * random time up to min(max, base * 2^(n-1)), so clients that conflicted together spread out.
 */
export function backoffDelay(
  policy: RetryPolicy,
  failedAttempt: number,
  random: () => number = Math.random,
): number {
  return commonBackoffDelay(
    { minMs: policy.baseDelayMs, maxMs: policy.maxDelayMs },
    failedAttempt,
    random,
  );
}

/**
 * MVCC conflicts, unreachable peers, timeouts and busy orderers are worth another attempt: while
 * attempts remain, or, with a window, while the window (measured from the first attempt) is open.
 */
export function shouldRetry(
  policy: RetryPolicy,
  failure: FabricFailure,
  attempt: number,
  elapsedMs = 0,
): boolean {
  if (!failure.retryable) return false;
  if (policy.windowMs !== undefined) return elapsedMs < policy.windowMs;
  return attempt < policy.maxAttempts;
}

export type SubmitOutcome =
  | { status: 'committed'; transaction: CommittedTransaction; attempts: number; duplicate: boolean }
  | { status: 'failed'; failure: FabricFailure; attempts: number; exhausted: boolean }
  /**
   * An attempt reached (or may have reached) the orderer and the ledger does not show it yet:
   * it may still commit, so the request is neither committed nor failed until the ledger says.
   */
  | { status: 'unknown'; failure: FabricFailure; attempts: number; txIds: string[] };

/**
 * Retries ran out on outages alone (a peer unreachable or busy, a timeout before ordering): no
 * attempt is on the ledger or may still reach it, so nothing about the request is settled.
 */
export function transientOnly(outcome: SubmitOutcome): boolean {
  return (
    outcome.status === 'failed' &&
    outcome.exhausted &&
    outcome.failure.retryable &&
    outcome.failure.validationCode === undefined
  );
}

export interface RetryHooks {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** The clock the retry window is measured with. */
  now?: () => number;
  onRetry?: (failure: FabricFailure, attempt: number, delayMs: number) => void;
  onAttempt?: (attempt: number) => Promise<void> | void;
  /**
   * Receives each attempt's transaction id before it is sent to the orderer; the request store
   * keeps it so that a crash or a lost answer can still be resolved from the ledger.
   */
  beforeOrdering?: (txId: string, attempt: number) => Promise<void>;
  /**
   * Whether a DUPLICATE_REQUEST on the first attempt means "already committed by us" (the queue,
   * whose request ids are registered at acceptance) or a caller reusing an id (sync requests).
   */
  duplicateOnFirstAttemptIsOurs?: boolean;
  /** Transactions of earlier deliveries of this request that may still commit. */
  inDoubt?: string[];
}

/** What an `unknown` request records as its reason: why the outcome could not be told. */
export function unknownReason(failure: FabricFailure, txIds: string[]): FailureReason {
  return {
    code: 'OUTCOME_UNKNOWN',
    message: `sent to the orderer without a verdict yet (${failure.code}); the ledger will tell`,
    details: { txIds, cause: failure.toJSON() },
  };
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A failure is the ledger's verdict only when the transaction is in a block with a validation
 * code; any other failure after the transaction was sent (orderer timeout, lost connection,
 * commit-status wait expired) leaves it in doubt.
 */
const isLedgerVerdict = (failure: FabricFailure): boolean => failure.validationCode !== undefined;

/**
 * Asks the ledger about transactions in doubt: the one that committed, if any; the ids the
 * ledger does not know yet stay in `txIds` (a lookup that fails keeps the id in doubt too).
 */
export async function resolveInDoubt(
  submitter: Submitter,
  channel: string,
  txIds: string[],
): Promise<{ committed?: CommittedTransaction; pending: string[] }> {
  const pending: string[] = [];
  for (const txId of txIds) {
    const status = await submitter.transactionStatus(channel, txId).catch(() => null);
    if (status === null || status === undefined) {
      pending.push(txId);
      continue;
    }
    if (status.valid) {
      return {
        committed: {
          txId,
          validationCode: status.validationCode,
          blockNumber: status.blockNumber,
          result: null,
        },
        pending: [],
      };
    }
  }
  return { pending };
}

/**
 * Submits with retries. The same request id travels with every attempt, so the chaincode lets at
 * most one of them commit; a DUPLICATE_REQUEST after an earlier attempt therefore means that
 * attempt committed, and the outcome is that transaction. An attempt whose fate is unknown
 * (sent, but no verdict) is looked up on the ledger before anything final is said: while any
 * such attempt may still commit, the outcome is `unknown`, never `failed`.
 */
export async function submitWithRetry(
  submitter: Submitter,
  call: TransactionCall,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<SubmitOutcome> {
  const sleep = hooks.sleep ?? defaultSleep;
  const now = hooks.now ?? Date.now;
  const started = now();
  let inDoubt: string[] = [...(hooks.inDoubt ?? [])];
  for (let attempt = 1; ; attempt += 1) {
    await hooks.onAttempt?.(attempt);
    let sent: string | undefined;
    try {
      const transaction = await submitter.submit(call, {
        beforeOrdering: async (txId) => {
          await hooks.beforeOrdering?.(txId, attempt);
          sent = txId;
        },
      });
      return { status: 'committed', transaction, attempts: attempt, duplicate: false };
    } catch (error) {
      const failure = classifyFabricError(error);
      if (sent !== undefined && !isLedgerVerdict(failure)) inDoubt.push(sent);
      if (
        failure.kind === 'duplicate' &&
        failure.originalTxId &&
        (attempt > 1 ||
          hooks.duplicateOnFirstAttemptIsOurs ||
          inDoubt.includes(failure.originalTxId))
      ) {
        const ledger = await submitter
          .transactionStatus(call.channel, failure.originalTxId)
          .catch(() => undefined);
        return {
          status: 'committed',
          transaction: {
            txId: failure.originalTxId,
            validationCode: ledger?.validationCode ?? 'VALID',
            blockNumber: ledger?.blockNumber ?? '',
            result: null,
          },
          attempts: attempt,
          duplicate: true,
        };
      }
      if (inDoubt.length > 0) {
        const resolved = await resolveInDoubt(submitter, call.channel, inDoubt);
        if (resolved.committed) {
          return {
            status: 'committed',
            transaction: resolved.committed,
            attempts: attempt,
            duplicate: false,
          };
        }
        inDoubt = resolved.pending;
      }
      if (!shouldRetry(policy, failure, attempt, now() - started)) {
        if (inDoubt.length > 0) {
          return { status: 'unknown', failure, attempts: attempt, txIds: inDoubt };
        }
        return { status: 'failed', failure, attempts: attempt, exhausted: failure.retryable };
      }
      const delay = backoffDelay(policy, attempt, hooks.random);
      hooks.onRetry?.(failure, attempt, delay);
      await sleep(delay);
    }
  }
}
