// SPDX-License-Identifier: Apache-2.0
import type { Logger, Rounds } from '@consortia/common';
import { everyInterval } from '@consortia/common';

import type { Submitter } from '../fabric/submitter';
import type { DappMetrics } from '../metrics';
import type { QueuePublisher } from '../queue/kafka';
import type { QueuedRequest } from '../queue/messages';
import type { FailureReason, RequestRecord, RequestStore } from '../store/request-store';
import { submittedBase } from '../store/request-store';
import type { SyncRequestResumer } from './resume';

export interface ReconcilerOptions {
  store: RequestStore;
  submitter: Submitter;
  /** Publishes results, and queued messages again; absent without Kafka. */
  publisher: QueuePublisher | undefined;
  /** How often to look; a round also runs at start. */
  intervalMs: number;
  /** A request untouched this long is no longer being handled by a front door or a worker. */
  idleMs: number;
  /** After this long, an attempt the ledger does not show can only commit late, not unnoticed. */
  commitTimeoutMs: number;
  batchSize?: number;
  /** Sends a sync request again from the call kept with it; without it such requests fail. */
  resumer?: SyncRequestResumer;
  logger: Logger;
  metrics?: DappMetrics;
}

type Verdict = 'valid' | 'invalid' | 'absent' | 'unanswered';

interface Ledger {
  verdicts: Map<string, Verdict>;
  committed?: { txId: string; validationCode: string; blockNumber: string };
  lastInvalid?: string;
}

export type Resolution =
  'committed' | 'failed' | 'republished' | 'unknown' | 'waiting' | 'unanswered';

/**
 * Settles requests that nobody is handling any more (a crash between accepting and recording, an
 * answer lost after the transaction was sent) against the ledger, by the transaction id that
 * every attempt recorded before it was sent. The rules are in dapp/README.md ("Request states").
 */
export class Reconciler {
  private rounds: Rounds | undefined;
  private readonly logger: Logger;
  /**
   * Set when Kafka refused a message in this round: a broker that does not answer costs its
   * client's whole retry time per call, and trying once per queued request would hold the round,
   * and the requests behind them that need no Kafka, for minutes.
   */
  private kafkaFailedThisRound = false;

  constructor(private readonly options: ReconcilerOptions) {
    this.logger = options.logger.child({ component: 'reconciler' });
  }

  /** Runs a round now, then every interval. */
  start(): void {
    this.rounds = everyInterval({
      intervalMs: this.options.intervalMs,
      round: () => this.runOnce(),
      onError: (error) => this.logger.warn({ err: error }, 'reconciliation round failed'),
      immediately: true,
    });
  }

  /** Stops the timer and waits for a round in progress. */
  async stop(): Promise<void> {
    await this.rounds?.stop();
    this.rounds = undefined;
  }

  /** One round over every idle unfinished request; answers how each was resolved. */
  async runOnce(): Promise<Map<string, Resolution>> {
    const results = new Map<string, Resolution>();
    this.kafkaFailedThisRound = false;
    const requests = await this.options.store.unresolved(
      this.options.idleMs,
      this.options.batchSize ?? 500,
    );
    for (const request of requests) {
      const resolution = await this.reconcile(request).catch((error: unknown) => {
        this.logger.warn({ err: error, requestId: request.requestId }, 'could not reconcile');
        return 'unanswered' as const;
      });
      if (resolution !== 'committed' && resolution !== 'failed') {
        await this.options.store.touch(request.requestId);
      }
      this.options.metrics?.reconciled.inc({ resolution });
      results.set(request.requestId, resolution);
    }
    await this.settleRecent(results);
    return results;
  }

  /**
   * Requests still within the grace (a worker may be retrying them) are only looked up, never
   * failed or queued again: an attempt valid on the ledger is the truth at once, whoever still
   * handles the request (a crashed DAPP's `submitted` row settles within one interval).
   */
  private async settleRecent(results: Map<string, Resolution>): Promise<void> {
    if (this.options.idleMs <= 0) return;
    const recent = await this.options.store.unresolved(0, this.options.batchSize ?? 500);
    for (const request of recent) {
      if (results.has(request.requestId) || request.attemptTxIds.length === 0) continue;
      const settled = await this.settleCommitted(request).catch((error: unknown) => {
        this.logger.warn({ err: error, requestId: request.requestId }, 'could not look up');
        return false;
      });
      if (!settled) continue;
      this.options.metrics?.reconciled.inc({ resolution: 'committed' });
      results.set(request.requestId, 'committed');
    }
  }

  private async ledgerOf(request: RequestRecord): Promise<Ledger> {
    const ledger: Ledger = { verdicts: new Map() };
    for (const txId of request.attemptTxIds) {
      const status = await this.options.submitter
        .transactionStatus(request.channel, txId)
        .catch(() => null);
      if (status === null) ledger.verdicts.set(txId, 'unanswered');
      else if (status === undefined) ledger.verdicts.set(txId, 'absent');
      else if (status.valid) {
        ledger.verdicts.set(txId, 'valid');
        ledger.committed = status;
      } else {
        ledger.verdicts.set(txId, 'invalid');
        ledger.lastInvalid = status.validationCode;
      }
    }
    return ledger;
  }

  /**
   * Records the request committed when one of its attempts is valid on the ledger; answers
   * whether it is. Cheap enough for a status read of an `unknown` request.
   */
  async settleCommitted(request: RequestRecord): Promise<boolean> {
    const ledger = await this.ledgerOf(request);
    if (!ledger.committed) return false;
    await this.recordCommitted(request, ledger.committed);
    return true;
  }

  private async recordCommitted(
    request: RequestRecord,
    committed: NonNullable<Ledger['committed']>,
  ): Promise<void> {
    const written = await this.options.store.recordOutcome(submittedBase(request), {
      status: 'committed',
      txId: committed.txId,
      validationCode: committed.validationCode,
      blockNumber: committed.blockNumber,
      attempts: request.attempts,
    });
    if (written && request.mode === 'async') {
      await this.options.publisher?.publishResult({
        requestId: request.requestId,
        status: 'committed',
        txId: committed.txId,
        validationCode: committed.validationCode,
        blockNumber: committed.blockNumber,
        attempts: request.attempts,
        correlationId: request.correlationId,
      });
    }
    this.logger.info({ requestId: request.requestId, txId: committed.txId }, 'committed');
  }

  /**
   * Publishes a queued message again; false, without trying, once Kafka failed in this round.
   * A failure is thrown (the caller logs it against its request) and later ones are skipped.
   */
  private async queueAgain(publisher: QueuePublisher, message: QueuedRequest): Promise<boolean> {
    if (this.kafkaFailedThisRound) return false;
    try {
      await publisher.publishRequest(message);
      return true;
    } catch (error) {
      this.kafkaFailedThisRound = true;
      throw error;
    }
  }

  private async reconcile(
    request: RequestRecord & { queuedMessage?: unknown },
  ): Promise<Resolution> {
    const { store, publisher } = this.options;
    const ledger = await this.ledgerOf(request);
    const base = submittedBase(request);
    if (ledger.committed) {
      await this.recordCommitted(request, ledger.committed);
      return 'committed';
    }
    const verdicts = [...ledger.verdicts.values()];
    if (verdicts.includes('unanswered')) return 'unanswered';
    const mayStillCommit = verdicts.includes('absent');

    if (request.mode === 'async') {
      if (request.status === 'queued' && request.queuedMessage !== undefined && publisher) {
        // No worker took it within the grace: the front door may have stopped between storing
        // and publishing it, or Kafka lost it. The same request id makes a second copy harmless.
        if (!(await this.queueAgain(publisher, request.queuedMessage as QueuedRequest))) {
          return 'waiting';
        }
        this.logger.info({ requestId: request.requestId }, 'still queued; queued again');
        return 'republished';
      }
      // Submitted: Kafka has not seen the offset committed and delivers the message again.
      if (request.status !== 'unknown' || request.queuedMessage === undefined || !publisher) {
        return 'waiting';
      }
      const sentAt = request.lastSentAt ? Date.parse(request.lastSentAt) : 0;
      if (mayStillCommit && Date.now() - sentAt < this.options.commitTimeoutMs) return 'unknown';
      // Same request id: the chaincode lets at most one attempt commit, old or new.
      if (!(await this.queueAgain(publisher, request.queuedMessage as QueuedRequest))) {
        return 'waiting';
      }
      this.logger.info({ requestId: request.requestId }, 'no attempt on the ledger; queued again');
      return 'republished';
    }

    if (this.options.resumer && request.queuedMessage !== undefined) {
      // A sync request nobody handles any more: its front door stopped before the ledger had it.
      const sentAt = request.lastSentAt ? Date.parse(request.lastSentAt) : 0;
      if (mayStillCommit && Date.now() - sentAt < this.options.commitTimeoutMs) {
        await this.markUnknown(request);
        return 'unknown';
      }
      return this.options.resumer.resume(request, request.queuedMessage as QueuedRequest);
    }

    if (verdicts.length === 0 || !mayStillCommit) {
      // Ids are recorded before sending: none means nothing reached the orderer, and an
      // invalidated transaction can never become valid.
      const reason: FailureReason =
        verdicts.length === 0
          ? {
              code: 'NOT_SUBMITTED',
              message: 'the DAPP stopped before sending this request to the orderer',
            }
          : {
              code: ledger.lastInvalid ?? 'INVALIDATED',
              message: `every attempt was invalidated by the ledger (${ledger.lastInvalid ?? 'invalid'})`,
            };
      await store.recordOutcome(base, { status: 'failed', reason, attempts: request.attempts });
      this.logger.info({ requestId: request.requestId, reason }, 'failed (proved by the ledger)');
      return 'failed';
    }
    await this.markUnknown(request);
    return 'unknown';
  }

  private async markUnknown(request: RequestRecord): Promise<void> {
    if (request.status === 'unknown') return;
    await this.options.store.recordUnknown(request.requestId, {
      reason: {
        code: 'OUTCOME_UNKNOWN',
        message: 'sent to the orderer, but the ledger does not show it yet',
      },
      attempts: request.attempts,
    });
  }
}
