import { classifyFabricError } from '../fabric/errors';
import type { FabricFailure } from '../fabric/errors';
import type { CommittedTransaction, Submitter, TransactionCall } from '../fabric/submitter';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
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
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.floor(random() * ceiling);
}

/** MVCC conflicts, unreachable peers, timeouts and busy orderers are worth another attempt. */
export function shouldRetry(policy: RetryPolicy, failure: FabricFailure, attempt: number): boolean {
  return failure.retryable && attempt < policy.maxAttempts;
}

export type SubmitOutcome =
  | { status: 'committed'; transaction: CommittedTransaction; attempts: number; duplicate: boolean }
  | { status: 'failed'; failure: FabricFailure; attempts: number; exhausted: boolean };

export interface RetryHooks {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (failure: FabricFailure, attempt: number, delayMs: number) => void;
  onAttempt?: (attempt: number) => Promise<void> | void;
  /**
   * Whether a DUPLICATE_REQUEST on the first attempt means "already committed by us" (the queue,
   * whose request ids are registered at acceptance) or a caller reusing an id (sync requests).
   */
  duplicateOnFirstAttemptIsOurs?: boolean;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Submits with retries. The same request id travels with every attempt, so the chaincode lets at
 * most one of them commit; a DUPLICATE_REQUEST after an earlier attempt therefore means that
 * attempt committed, and the outcome is that transaction.
 */
export async function submitWithRetry(
  submitter: Submitter,
  call: TransactionCall,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<SubmitOutcome> {
  const sleep = hooks.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt += 1) {
    await hooks.onAttempt?.(attempt);
    try {
      const transaction = await submitter.submit(call);
      return { status: 'committed', transaction, attempts: attempt, duplicate: false };
    } catch (error) {
      const failure = classifyFabricError(error);
      if (
        failure.kind === 'duplicate' &&
        failure.originalTxId &&
        (attempt > 1 || hooks.duplicateOnFirstAttemptIsOurs)
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
      if (!shouldRetry(policy, failure, attempt)) {
        return { status: 'failed', failure, attempts: attempt, exhausted: failure.retryable };
      }
      const delay = backoffDelay(policy, attempt, hooks.random);
      hooks.onRetry?.(failure, attempt, delay);
      await sleep(delay);
    }
  }
}
