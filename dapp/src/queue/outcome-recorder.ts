// SPDX-License-Identifier: Apache-2.0
import type { FabricFailure } from '../fabric/errors';
import type { CommittedTransaction } from '../fabric/submitter';
import type { DappMetrics } from '../metrics';
import type {
  FailureReason,
  NewRequest,
  RequestRecord,
  RequestStore,
} from '../store/request-store';
import { isFinished } from '../store/request-store';
import type { RequestResult } from './messages';
import type { SubmitOutcome } from './retry';
import { transientOnly, unknownReason } from './retry';

/** Where an async request's outcome is announced: the results topic and the dead-letter topic. */
export interface ResultChannel {
  publishResult(result: RequestResult): Promise<void>;
  deadLetter(reason: FailureReason): Promise<void>;
}

/**
 * What a failure made of outages alone (transientOnly: nothing reached the ledger) does:
 * - `discard`: the sync front door forgets the request and answers 5xx; a retry under the same
 *   id is sent afresh;
 * - `keep`: the request stays as it is, for the reconciler's next round;
 * - `fail`: it is failed like any other failure whose retries ran out (async: dead-lettered).
 */
export type UnsentPolicy = 'discard' | 'keep' | 'fail';

/** The request one submission was for, and what its kind of caller does with the outcome. */
export interface SubmittedRequest {
  /** As the store names it: `recordOutcome` upserts from it, and `mode` labels the metric. */
  request: NewRequest;
  unsent: UnsentPolicy;
  /** Attempts earlier runs already counted: a resumed request continues its count. */
  priorAttempts?: number;
  /** When the submission started (process.hrtime.bigint()); its duration is observed if given. */
  startedAt?: bigint;
  /**
   * When the front door accepted an async request (ms since the epoch), so its latency counts the
   * time queued; a sync request's is its submission's.
   */
  acceptedAt?: number;
  /** Kept with an `unknown` async request, so it can be queued again if nothing commits. */
  queuedMessage?: unknown;
  /** Async requests: where the written outcome is published and an exhausted one dead-lettered. */
  results?: ResultChannel;
}

/**
 * What was recorded. `written` is false when the store already had a final state (settled
 * meanwhile, e.g. by the reconciler): that one stays, and is what `results` received.
 */
export type RecordedOutcome =
  | {
      status: 'committed';
      written: boolean;
      transaction: CommittedTransaction;
      duplicate: boolean;
      attempts: number;
    }
  | {
      status: 'failed';
      written: boolean;
      failure: FabricFailure;
      reason: FailureReason;
      attempts: number;
    }
  /** Sent without a verdict: only the ledger settles it. */
  | { status: 'unknown'; failure: FabricFailure; txIds: string[]; attempts: number }
  /** Outages only, handled as the UnsentPolicy says: nothing final is recorded. */
  | { status: 'unsent'; failure: FabricFailure; attempts: number };

/** A stored final request as published on the results topic. */
export function resultOf(record: RequestRecord): RequestResult {
  const result: RequestResult = {
    requestId: record.requestId,
    status: record.status === 'committed' ? 'committed' : 'failed',
    attempts: record.attempts,
  };
  if (record.txId) result.txId = record.txId;
  if (record.validationCode) result.validationCode = record.validationCode;
  if (record.blockNumber) result.blockNumber = record.blockNumber;
  if (record.result !== undefined) result.result = record.result;
  if (record.reason) result.reason = record.reason;
  if (record.correlationId) result.correlationId = record.correlationId;
  return result;
}

/** A request the store holds as committed, as a recorded (not written) outcome. */
function committedFromStore(stored: RequestRecord): RecordedOutcome {
  return {
    status: 'committed',
    written: false,
    transaction: {
      txId: stored.txId ?? '',
      validationCode: stored.validationCode ?? 'VALID',
      blockNumber: stored.blockNumber ?? '',
      result: stored.result ?? null,
    },
    duplicate: true,
    attempts: stored.attempts,
  };
}

/**
 * Records what one submission (submitWithRetry) of a request came to, for every path that sends
 * one: the sync front door, the queue worker and the resumer of dropped sync requests. Each
 * attempt's transaction id is stored before it is ordered; a final state is written once and
 * never overwritten; an outcome in doubt stays `unknown` until the ledger settles it.
 */
export class OutcomeRecorder {
  constructor(
    private readonly store: RequestStore,
    private readonly metrics?: DappMetrics,
  ) {}

  /** submitWithRetry's `beforeOrdering`: the ledger can be asked about every attempt sent. */
  beforeOrdering(requestId: string): (txId: string) => Promise<void> {
    return (txId) => this.store.recordAttempt(requestId, txId);
  }

  async record(outcome: SubmitOutcome, submitted: SubmittedRequest): Promise<RecordedOutcome> {
    const { request, startedAt } = submitted;
    // a message whose acceptance time does not parse counts from its submission, as a sync one
    const acceptedAt = Number.isFinite(submitted.acceptedAt) ? submitted.acceptedAt : undefined;
    const labels = { mode: request.mode, status: outcome.status };
    if (startedAt !== undefined) {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      this.metrics?.fabricDuration.observe(
        { operation: 'submit', outcome: outcome.status },
        seconds,
      );
      if (acceptedAt === undefined) this.metrics?.requestDuration.observe(labels, seconds);
    }
    if (acceptedAt !== undefined) {
      this.metrics?.requestDuration.observe(labels, Math.max(0, Date.now() - acceptedAt) / 1000);
    }
    this.metrics?.outcomes.inc(labels);
    const attempts = (submitted.priorAttempts ?? 0) + outcome.attempts;

    if (outcome.status === 'unknown') {
      const { failure, txIds } = outcome;
      await this.store.recordUnknown(request.requestId, {
        reason: unknownReason(failure, txIds),
        attempts,
        ...(submitted.queuedMessage === undefined
          ? {}
          : { queuedMessage: submitted.queuedMessage }),
      });
      return { status: 'unknown', failure, txIds, attempts };
    }

    if (outcome.status === 'committed') {
      const { transaction, duplicate } = outcome;
      const stored = {
        status: 'committed',
        txId: transaction.txId,
        validationCode: transaction.validationCode,
        blockNumber: transaction.blockNumber,
        result: transaction.result,
        attempts,
      } as const;
      const written = await this.store.recordOutcome(request, stored);
      await this.announce(submitted, written, {
        requestId: request.requestId,
        ...stored,
        correlationId: request.correlationId,
      });
      return { status: 'committed', written, transaction, duplicate, attempts };
    }

    const { failure, exhausted } = outcome;
    if (submitted.unsent !== 'fail' && transientOnly(outcome)) {
      if (submitted.unsent === 'discard') await this.store.discardUnsent(request.requestId);
      else await this.store.touch(request.requestId);
      return { status: 'unsent', failure, attempts };
    }
    const reason: FailureReason = {
      ...(failure.toJSON() as { code: string; message: string }),
      retriesExhausted: exhausted,
    };
    const written = await this.store.recordOutcome(request, {
      status: 'failed',
      txId: failure.txId,
      validationCode: failure.validationCode,
      reason,
      attempts,
    });
    await this.announce(submitted, written, {
      requestId: request.requestId,
      status: 'failed',
      reason,
      attempts,
      correlationId: request.correlationId,
    });
    if (written && exhausted) await submitted.results?.deadLetter(reason);
    if (!written) {
      // Settled meanwhile (the reconciler found an earlier attempt on the ledger): the stored
      // commit is the truth, and what the caller is told, not this attempt's refusal.
      const stored = await this.store.get(request.requestId);
      if (stored?.status === 'committed') return committedFromStore(stored);
    }
    return { status: 'failed', written, failure, reason, attempts };
  }

  /**
   * Publishes the outcome just written; when the store already had one, publishes that instead,
   * since it is the truth.
   */
  private async announce(
    submitted: SubmittedRequest,
    written: boolean,
    result: RequestResult,
  ): Promise<void> {
    const { results } = submitted;
    if (!results) return;
    if (written) {
      await results.publishResult(result);
      return;
    }
    const stored = await this.store.get(result.requestId);
    if (stored && isFinished(stored.status)) await results.publishResult(resultOf(stored));
  }
}
