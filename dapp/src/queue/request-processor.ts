// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';
import { withCorrelationId } from '@consortia/common';
import type { KafkaMessage } from 'kafkajs';

import type { Submitter } from '../fabric/submitter';
import type { DappMetrics } from '../metrics';
import type { RequestClaims } from '../store/request-claims';
import type { FailureReason, RequestStore } from '../store/request-store';
import { isFinished, submittedBase } from '../store/request-store';
import type { QueuePublisher } from './kafka';
import type { QueuedRequest } from './messages';
import {
  CORRELATION_HEADER,
  REQUEST_ID_HEADER,
  deadLetterCopy,
  headerText,
  parseQueuedRequest,
} from './messages';
import { OutcomeRecorder, resultOf } from './outcome-recorder';
import type { RetryPolicy } from './retry';
import { submitWithRetry } from './retry';
import type { QueuedRequestVerifier } from './verify';
import { UnverifiedMessage } from './verify';

export interface ProcessorOptions {
  /** The request store's id: only messages queued by a front door on this store are processed. */
  storeId: string;
  store: RequestStore;
  /** Which worker on this store is processing each request. */
  claims: RequestClaims;
  /** Checks each message against the stored request and the caller's identities. */
  verifier: QueuedRequestVerifier;
  submitter: Submitter;
  publisher: QueuePublisher;
  retryPolicy: RetryPolicy;
  logger: Logger;
  metrics?: DappMetrics;
}

/** The worker stopped before it claimed the message's request: the next owner processes it. */
export class StoppedBeforeClaim extends Error {
  constructor(requestId: string) {
    super(`stopped before request ${requestId} was claimed; left for the next owner`);
  }
}

/**
 * What one queued message comes to: a request submitted to Fabric with its outcome recorded and
 * published, a refused or unreadable message dead-lettered, or a delivery that finds its request
 * already settled.
 */
export class QueuedRequestProcessor {
  private readonly recorder: OutcomeRecorder;
  private readonly logger: Logger;

  constructor(
    private readonly options: ProcessorOptions,
    /** True once the worker is stopping: from then on no request is claimed, none waited for. */
    private readonly stopping: () => boolean,
  ) {
    this.recorder = new OutcomeRecorder(options.store, options.metrics);
    this.logger = options.logger.child({ component: 'worker' });
  }

  async handle(message: KafkaMessage): Promise<void> {
    const correlationId =
      headerText(message.headers, CORRELATION_HEADER) ??
      headerText(message.headers, REQUEST_ID_HEADER) ??
      `offset-${message.offset}`;
    await withCorrelationId(correlationId, async () => {
      let request: QueuedRequest;
      try {
        request = parseQueuedRequest(message.value);
      } catch (error) {
        const reason = {
          code: 'MALFORMED_MESSAGE',
          message: error instanceof Error ? error.message : String(error),
        };
        this.logger.error({ offset: message.offset, reason }, 'unreadable request; dead-lettered');
        await this.options.publisher.publishDeadLetter(
          {
            key: message.key?.toString('utf8') ?? null,
            value: deadLetterCopy(message.value),
            requestId: headerText(message.headers, REQUEST_ID_HEADER),
            correlationId,
          },
          reason,
        );
        this.options.metrics?.deadLettered.inc();
        return;
      }
      await this.process(request, message);
    });
  }

  private async process(request: QueuedRequest, message: KafkaMessage): Promise<void> {
    // Messages from front doors of other stores (sharing the topic) are theirs to process;
    // a message that names no store is ours only if our store accepted the request.
    if (request.store !== undefined && request.store !== this.options.storeId) return;
    const claim = await this.options.claims.claim(request.requestId, this.stopping);
    if (!claim) throw new StoppedBeforeClaim(request.requestId);
    try {
      await this.processClaimed(request, message);
    } finally {
      await claim.release();
    }
  }

  private async processClaimed(request: QueuedRequest, message: KafkaMessage): Promise<void> {
    const { store, publisher, submitter, metrics } = this.options;
    const existing = await store.get(request.requestId);
    if (!existing) {
      this.logger.info(
        { requestId: request.requestId },
        'request not accepted by this DAPP; skipped',
      );
      return;
    }
    if (isFinished(existing.status)) {
      // Delivered again after a crash: the outcome is known; make sure it was published.
      this.logger.info({ requestId: request.requestId }, 'request already finished; republishing');
      await publisher.publishResult(resultOf(existing));
      if (existing.reason?.retriesExhausted)
        await this.deadLetter(request, message, existing.reason);
      return;
    }
    let transient: Record<string, string>;
    try {
      transient = await this.options.verifier.verify(request, existing);
    } catch (error) {
      if (!(error instanceof UnverifiedMessage)) throw error;
      // Not the request that was accepted: never signed; the stored request is left as it is.
      const reason = { code: error.code, message: error.message };
      this.logger.warn(
        { requestId: request.requestId, offset: message.offset, reason },
        'queued message refused; dead-lettered',
      );
      await this.deadLetter(request, message, reason);
      return;
    }
    // From the stored request, which the message was just checked against.
    const base = submittedBase(existing);
    metrics?.workerInFlight.inc();
    const started = process.hrtime.bigint();
    try {
      const outcome = await submitWithRetry(
        submitter,
        {
          channel: request.channel,
          chaincode: request.chaincode,
          transactionName: request.transactionName,
          args: request.args,
          transient,
          identity: request.identity,
          requestId: request.requestId,
          correlationId: request.correlationId,
          resultFormat: request.resultFormat,
        },
        this.options.retryPolicy,
        {
          duplicateOnFirstAttemptIsOurs: true,
          inDoubt: existing.attemptTxIds,
          onAttempt: (attempt) => store.markSubmitted(base, attempt),
          beforeOrdering: this.recorder.beforeOrdering(request.requestId),
          onRetry: (failure, attempt, delayMs) => {
            metrics?.retries.inc({ reason: failure.code });
            this.logger.warn(
              { requestId: request.requestId, attempt, delayMs, code: failure.code },
              'retrying transaction',
            );
          },
        },
      );
      const recorded = await this.recorder.record(outcome, {
        request: base,
        // Every failure is final here, and dead-lettered once its retries ran out.
        unsent: 'fail',
        startedAt: started,
        acceptedAt: Date.parse(request.acceptedAt),
        queuedMessage: JSON.parse(message.value?.toString('utf8') ?? 'null') as unknown,
        results: {
          publishResult: (result) => publisher.publishResult(result),
          deadLetter: (reason) => this.deadLetter(request, message, reason),
        },
      });
      if (recorded.status === 'unknown') {
        // No result and no dead letter: the reconciler settles it from the ledger.
        this.logger.warn(
          { requestId: request.requestId, txIds: recorded.txIds, code: recorded.failure.code },
          'request outcome unknown; the ledger will tell',
        );
      } else if (recorded.status === 'committed' && recorded.written) {
        this.logger.info(
          {
            requestId: request.requestId,
            txId: recorded.transaction.txId,
            duplicate: recorded.duplicate,
          },
          'request committed',
        );
      } else if (recorded.status === 'failed' && recorded.written) {
        this.logger.warn(
          { requestId: request.requestId, reason: recorded.reason, attempts: recorded.attempts },
          'request failed',
        );
      }
    } finally {
      metrics?.workerInFlight.dec();
    }
  }

  private async deadLetter(
    request: QueuedRequest,
    message: KafkaMessage,
    reason: FailureReason,
  ): Promise<void> {
    await this.options.publisher.publishDeadLetter(
      {
        key: request.partitionKey,
        value: deadLetterCopy(message.value),
        requestId: request.requestId,
        correlationId: request.correlationId,
      },
      reason,
    );
    this.options.metrics?.deadLettered.inc();
  }
}
