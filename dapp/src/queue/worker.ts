// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';

import type { QueueTopics } from './kafka';
import { SettleWindow } from './limiter';
import { PartitionProgress } from './partition-progress';
import type { ProcessorOptions } from './request-processor';
import { QueuedRequestProcessor, StoppedBeforeClaim } from './request-processor';

export interface WorkerOptions extends ProcessorOptions {
  kafka: Kafka;
  /** Already bound to this worker's request store (see consumerGroupFor). */
  groupId: string;
  topics: QueueTopics;
  concurrency: number;
  sessionTimeoutMs?: number;
}

/**
 * Each request store gets its own consumer group: a DAPP with another database never shares
 * partitions with this one, so it cannot take (and lose) requests whose status only this store
 * records. It sees every message too, and skips those its store did not queue.
 */
export function consumerGroupFor(baseGroupId: string, storeId: string): string {
  return `${baseGroupId}.${storeId}`;
}

const partitionId = (topic: string, partition: number) => `${topic}/${partition}`;

/**
 * Consumes `dapp.tx.requests` in a consumer group and submits each request to Fabric. Messages
 * with the same key are handled one after another, in partition order; different keys run
 * concurrently up to the limit. A partition's offset moves past a message only once its outcome
 * is in the request store (and on the results topic), so a crash at any point replays it, and the
 * request id makes the replay harmless. Each request is claimed before it is looked at (see
 * RequestClaims), so after a rebalance its new owner waits for the previous owner to finish it.
 */
export class QueueWorker {
  private consumer: Consumer | undefined;
  private readonly logger: Logger;
  private readonly processor: QueuedRequestProcessor;
  private stopping = false;
  private readonly partitions = new Map<string, PartitionProgress>();
  /** The last message started for each key: the next one of that key runs after it. */
  private readonly keyTails = new Map<string, Promise<void>>();
  private readonly window: SettleWindow;

  constructor(private readonly options: WorkerOptions) {
    this.window = new SettleWindow(options.concurrency);
    this.logger = options.logger.child({ component: 'worker' });
    this.processor = new QueuedRequestProcessor(options, () => this.stopping);
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
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
      this.assigned(payload.memberAssignment),
    );
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

  /** Finishes the requests already claimed, commits their offsets and leaves the group. */
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
    if (progress.failedAt !== undefined) {
      // Delivered while waiting to be read again (its pause was refused during a consumer
      // restart): paused now, so the fetching does not spin; recover() resumes it.
      this.onConsumer(() =>
        this.consumer?.pause([{ topic: batch.topic, partitions: [batch.partition] }]),
      );
      return;
    }
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 2_000);
    try {
      for (const message of batch.messages) {
        if (!open()) return;
        await this.window.enter();
        if (!open()) {
          this.window.settled();
          return;
        }
        this.startMessage(batch.topic, batch.partition, progress, message);
        // Fetching moves on; what is committed is decided by the messages' outcomes.
        resolveOffset(message.offset);
      }
    } finally {
      clearInterval(beat);
    }
  }

  /**
   * After a rebalance, forgets the partitions given to another worker. Their messages still in
   * flight finish here (the new owner waits for their claims) but commit nothing: a late commit
   * could move the new owner's offset back. A partition that comes back is tracked afresh.
   */
  private assigned(assignment: Record<string, number[]>): void {
    const kept = new Set(
      Object.entries(assignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => partitionId(topic, partition)),
      ),
    );
    for (const [id, progress] of this.partitions) {
      if (kept.has(id)) continue;
      progress.revoked = true;
      this.partitions.delete(id);
    }
  }

  private progressOf(topic: string, partition: number): PartitionProgress {
    const id = partitionId(topic, partition);
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
    const previous = this.keyTails.get(key) ?? Promise.resolve();
    const run = previous.then(async () => {
      // After a failure the partition is read again from the failed message: later ones wait.
      if (progress.failedAt !== undefined && offset >= progress.failedAt) return;
      try {
        await this.processor.handle(message);
        progress.finish(offset);
        void progress
          .commit((next) => this.commitOffset(topic, partition, next))
          .catch((error: unknown) =>
            this.logger.warn({ err: error, partition }, 'offset not committed; replayed later'),
          );
      } catch (error) {
        // Stopping: left unfinished, the message is delivered again to the next owner.
        if (error instanceof StoppedBeforeClaim) return;
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
    // A stopping worker reads nothing again; its successor starts from the committed offset.
    if (failedAt === undefined || !consumer || this.stopping) return;
    this.onConsumer(() => consumer.pause([{ topic, partitions: [partition] }]));
    const delayMs = Math.min(30_000, 500 * 2 ** Math.min(6, progress.consecutiveFailures - 1));
    setTimeout(() => {
      progress.failedAt = undefined;
      if (this.stopping || this.consumer !== consumer) return;
      // Given away meanwhile: its new owner reads it from the committed offset. A pause would
      // outlast the rebalance, so the partition is resumed all the same.
      if (!progress.revoked) {
        this.onConsumer(() => consumer.seek({ topic, partition, offset: failedAt.toString() }));
      }
      this.onConsumer(() => consumer.resume([{ topic, partitions: [partition] }]));
    }, delayMs).unref();
  }

  /**
   * Pauses, seeks or resumes. kafkajs refuses these while it restarts a crashed consumer (Kafka
   * unreachable); the restarted consumer reads every partition from its committed offset, which
   * is what a seek to the failed message would have done.
   */
  private onConsumer(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.logger.warn({ err: error }, 'consumer restarting; it reads from the committed offsets');
    }
  }
}
