// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';
import { withCorrelationId } from '@consortia/common';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';

import type { Submitter } from '../fabric/submitter';
import type { DappMetrics } from '../metrics';
import type { FailureReason, NewRequest, RequestStore } from '../store/request-store';
import { isFinished } from '../store/request-store';
import type { QueuePublisher, QueueTopics } from './kafka';
import { ConcurrencyLimiter, SettleWindow } from './limiter';
import type { QueuedRequest } from './messages';
import { PartitionProgress } from './partition-progress';
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
  private readonly partitions = new Map<string, PartitionProgress>();
  /** The last message started for each key: the next one of that key runs after it. */
  private readonly keyTails = new Map<string, Promise<void>>();
  private readonly window: SettleWindow;

  constructor(private readonly options: WorkerOptions) {
    this.limiter = new ConcurrencyLimiter(options.concurrency);
    this.window = new SettleWindow(options.concurrency);
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
    // Offsets can only be committed while the consumer runs: settle and commit first.
    await this.window.empty();
    await Promise.all([...this.partitions.values()].map((progress) => progress.commits()));
    await consumer.stop();
    await consumer.disconnect();
    this.consumer = undefined;
  }

  /**
   * Starts the batch's messages and returns without waiting for them. kafkajs fetches a
   * partition's next messages only once every batch of the last fetch returned, so waiting here
   * would hold every partition behind the slowest transaction. A partition's offset is committed
   * as its messages finish, past the oldest finished run only (see PartitionProgress); at most
   * `concurrency` messages are started and unsettled at once, which holds back the fetching.
   */
  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- kafkajs passes these as closures, not methods
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    const progress = this.progressOf(batch.topic, batch.partition);
    const open = () =>
      isRunning() && !isStale() && !this.stopping && progress.failedAt === undefined;
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 2_000);
    try {
      for (const message of batch.messages) {
        if (!open()) return;
        await this.window.room();
        if (!open()) return;
        this.startMessage(batch.topic, batch.partition, progress, message);
        // Fetching moves on; what is committed is decided by the messages' outcomes.
        resolveOffset(message.offset);
      }
    } finally {
      clearInterval(beat);
    }
  }

  private progressOf(topic: string, partition: number): PartitionProgress {
    const id = `${topic}/${partition}`;
    let progress = this.partitions.get(id);
    if (!progress) {
      progress = new PartitionProgress();
      this.partitions.set(id, progress);
    }
    return progress;
  }

  /**
   * Runs one message after the earlier ones of its key (in partition order; a message delivered
   * again waits for its earlier delivery the same way, so one request never runs twice at once).
   */
  private startMessage(
    topic: string,
    partition: number,
    progress: PartitionProgress,
    message: KafkaMessage,
  ): void {
    const offset = BigInt(message.offset);
    const key = `${partition}/${message.key?.toString('utf8') ?? `offset:${message.offset}`}`;
    progress.start(offset);
    this.window.opened();
    const previous = this.keyTails.get(key) ?? Promise.resolve();
    const run = previous.then(async () => {
      // After a failure the partition is read again from the failed message: later ones wait.
      if (progress.failedAt !== undefined && offset >= progress.failedAt) return;
      try {
        await this.limiter.run(() => this.handleMessage(message));
        progress.finish(offset);
        void progress
          .commit((next) => this.commitOffset(topic, partition, next))
          .catch((error: unknown) =>
            this.logger.warn({ err: error, partition }, 'offset not committed; replayed later'),
          );
      } catch (error) {
        progress.fail(offset);
        this.logger.error(
          { err: error, partition, offset: message.offset },
          'request not processed; the partition is read again from it',
        );
      }
    });
    const tail = run.finally(() => {
      if (this.keyTails.get(key) === tail) this.keyTails.delete(key);
      progress.unsettled -= 1;
      this.window.settled();
      if (progress.failedAt !== undefined && progress.unsettled === 0) {
        this.recover(topic, partition, progress);
      }
    });
    this.keyTails.set(key, tail);
  }

  private async commitOffset(topic: string, partition: number, next: bigint): Promise<void> {
    await this.consumer?.commitOffsets([{ topic, partition, offset: next.toString() }]);
  }

  /**
   * Reads a partition again from its failed message, once its started messages settled, after
   * a pause that grows with consecutive failures (Postgres or Kafka down answers every message
   * with a failure until it is back).
   */
  private recover(topic: string, partition: number, progress: PartitionProgress): void {
    const failedAt = progress.failedAt;
    const consumer = this.consumer;
    if (failedAt === undefined || !consumer) return;
    consumer.pause([{ topic, partitions: [partition] }]);
    const delayMs = Math.min(30_000, 500 * 2 ** Math.min(6, progress.consecutiveFailures - 1));
    setTimeout(() => {
      progress.failedAt = undefined;
      if (this.stopping || this.consumer !== consumer) return;
      consumer.seek({ topic, partition, offset: failedAt.toString() });
      consumer.resume([{ topic, partitions: [partition] }]);
    }, delayMs).unref();
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
