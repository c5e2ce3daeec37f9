// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';
import { withCorrelationId } from '@consortia/common';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';

import type { Submitter } from '../fabric/submitter';
import type { DappMetrics } from '../metrics';
import type { FailureReason, NewRequest, RequestStore } from '../store/request-store';
import { isFinished } from '../store/request-store';
import type { QueuePublisher, QueueTopics } from './kafka';
import { ConcurrencyLimiter } from './limiter';
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

export interface WorkerOptions {
  kafka: Kafka;
  /** Already bound to this worker's request store (see consumerGroupFor). */
  groupId: string;
  /** The request store's id: only messages queued by a front door on this store are processed. */
  storeId: string;
  topics: QueueTopics;
  store: RequestStore;
  /** Checks each message against the stored request and the caller's identities. */
  verifier: QueuedRequestVerifier;
  submitter: Submitter;
  publisher: QueuePublisher;
  concurrency: number;
  sessionTimeoutMs?: number;
  retryPolicy: RetryPolicy;
  logger: Logger;
  metrics?: DappMetrics;
}

/**
 * Each request store gets its own consumer group: a DAPP with another database never shares
 * partitions with this one, so it cannot take (and lose) requests whose status only this store
 * records. It sees every message too, and skips those its store did not queue.
 */
export function consumerGroupFor(baseGroupId: string, storeId: string): string {
  return `${baseGroupId}.${storeId}`;
}

/**
 * Consumes `dapp.tx.requests` in a consumer group and submits each request to Fabric. Messages
 * with the same key are handled one after another, in partition order; different keys run
 * concurrently up to the limit. A partition's offset moves past a message only once its outcome
 * is in the request store (and on the results topic), so a crash at any point replays it, and the
 * request id makes the replay harmless.
 */
export class QueueWorker {
  private consumer: Consumer | undefined;
  private readonly limiter: ConcurrencyLimiter;
  private readonly logger: Logger;
  private readonly recorder: OutcomeRecorder;
  private stopping = false;

  constructor(private readonly options: WorkerOptions) {
    this.limiter = new ConcurrencyLimiter(options.concurrency);
    this.logger = options.logger.child({ component: 'worker' });
    this.recorder = new OutcomeRecorder(options.store, options.metrics);
  }

  async start(): Promise<void> {
    this.stopping = false;
    const consumer = this.options.kafka.consumer({
      groupId: this.options.groupId,
      // Small fetches keep a batch short, so stopping and committing never waits long.
      maxBytesPerPartition: 256 * 1024,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3_000, Math.floor((this.options.sessionTimeoutMs ?? 30_000) / 3)),
      // kafkajs restarts a crashed consumer (Kafka unreachable) on a timer of its own; one that
      // crashes while this worker stops would otherwise restart after stop() and run forever.
      retry: { retries: 5, restartOnFailure: async () => !this.stopping },
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.options.topics.requests, fromBeginning: true });
    // Stopped while joining: consume nothing (subscribing may have connected again).
    if (this.stopping) {
      await consumer.disconnect();
      return;
    }
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.max(1, Math.min(this.options.concurrency, 64)),
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.logger.info(
      { groupId: this.options.groupId, topic: this.options.topics.requests },
      'worker consuming',
    );
  }

  /** Finishes the messages already started, commits their offsets and leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    const consumer = this.consumer;
    if (!consumer) return;
    // stop() waits for the batches in progress, which commit what they finished.
    await consumer.stop();
    await consumer.disconnect();
    this.consumer = undefined;
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- kafkajs passes these as closures, not methods
    const { batch, heartbeat, isRunning, isStale } = payload;
    const done = new Set<string>();
    const groups = new Map<string, KafkaMessage[]>();
    for (const message of batch.messages) {
      const key = message.key?.toString('utf8') ?? `offset:${message.offset}`;
      const group = groups.get(key) ?? [];
      group.push(message);
      groups.set(key, group);
    }
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 2_000);
    try {
      // Settle every group before committing, so no message is still running when the batch ends.
      const settled = await Promise.allSettled(
        [...groups.values()].map(async (messages) => {
          for (const message of messages) {
            // On stop or rebalance, start nothing new; what is done is still committed below.
            if (!isRunning() || isStale()) return;
            await this.limiter.run(() => this.handleMessage(message));
            done.add(message.offset);
          }
        }),
      );
      const failure = settled.find((result) => result.status === 'rejected');
      // kafkajs restarts from the committed offset, so the failed message is delivered again.
      if (failure) throw failure.reason;
    } finally {
      clearInterval(beat);
      await this.commitDonePrefix(batch.topic, batch.partition, batch.messages, done, payload);
    }
  }

  /** Commits up to the first message without an outcome; later ones will be delivered again. */
  private async commitDonePrefix(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    done: Set<string>,
    payload: EachBatchPayload,
  ): Promise<void> {
    let last: string | undefined;
    for (const message of messages) {
      if (!done.has(message.offset)) break;
      last = message.offset;
    }
    if (last === undefined || !this.consumer) return;
    payload.resolveOffset(last);
    await this.consumer.commitOffsets([
      { topic, partition, offset: (BigInt(last) + 1n).toString() },
    ]);
  }

  private async handleMessage(message: KafkaMessage): Promise<void> {
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
    const { store, publisher, submitter, metrics } = this.options;
    // Messages from front doors of other stores (sharing the topic) are theirs to process;
    // a message that names no store is ours only if our store accepted the request.
    if (request.store !== undefined && request.store !== this.options.storeId) return;
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
    const base: NewRequest = {
      requestId: request.requestId,
      mode: 'async',
      status: 'submitted',
      channel: request.channel,
      chaincode: request.chaincode,
      function: request.function,
      identity: request.identity,
      partitionKey: request.partitionKey,
      correlationId: request.correlationId,
    };
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
