// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';
import { kafkaClientConfig } from '@consortia/common';
import { Kafka } from 'kafkajs';
import type { Admin, Producer } from 'kafkajs';

import type { DappConfig } from '../config';
import type { QueuedRequest, RequestResult } from './messages';
import { headersFor } from './messages';
import { ProduceBatcher } from './produce-batcher';

export interface QueueTopics {
  requests: string;
  results: string;
  deadLetter: string;
}

export function topicsFrom(config: DappConfig): QueueTopics {
  return {
    requests: config.KAFKA_TOPIC,
    results: config.KAFKA_RESULTS_TOPIC,
    deadLetter: config.KAFKA_DLQ_TOPIC,
  };
}

/**
 * The DAPP's Kafka client, configured by common's kafkaClientConfig like every service: TLS and
 * SASL credentials from KAFKA_*, and kafkajs logging through pino into the service's JSON log.
 */
export function kafkaFor(config: DappConfig, logger: Logger): Kafka {
  return new Kafka(
    kafkaClientConfig(config, {
      brokers: config.KAFKA_BROKERS,
      clientId: config.KAFKA_CLIENT_ID,
      logger,
    }),
  );
}

/** Creates the three topics when absent; the request topic's partitions carry per-key order. */
export async function ensureTopics(
  admin: Admin,
  topics: QueueTopics,
  partitions: number,
  replicationFactor: number,
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const wanted = [
    { topic: topics.requests, numPartitions: partitions },
    { topic: topics.results, numPartitions: partitions },
    { topic: topics.deadLetter, numPartitions: 1 },
  ].filter((topic) => !existing.has(topic.topic));
  if (wanted.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: wanted.map((topic) => ({
      ...topic,
      replicationFactor,
      configEntries: [
        { name: 'min.insync.replicas', value: String(Math.min(2, replicationFactor)) },
      ],
    })),
  });
}

/**
 * Writes to the DAPP's topics, always waiting for every in-sync replica (acks = -1); messages
 * published while an earlier one is on its way go together (see ProduceBatcher).
 */
export class QueuePublisher {
  private readonly batcher: ProduceBatcher;

  constructor(
    producer: Producer,
    private readonly topics: QueueTopics,
  ) {
    this.batcher = new ProduceBatcher(producer);
  }

  async publishRequest(request: QueuedRequest): Promise<void> {
    await this.batcher.send(this.topics.requests, {
      key: request.partitionKey,
      value: JSON.stringify(request),
      headers: headersFor(request.requestId, request.correlationId),
    });
  }

  async publishResult(result: RequestResult): Promise<void> {
    await this.batcher.send(this.topics.results, {
      key: result.requestId,
      value: JSON.stringify(result),
      headers: headersFor(result.requestId, result.correlationId),
    });
  }

  /** The original message (or what could be read of it) with the reason it was given up on. */
  async publishDeadLetter(
    original: {
      key: string | null;
      value: string | null;
      requestId?: string;
      correlationId?: string;
    },
    reason: unknown,
  ): Promise<void> {
    await this.batcher.send(this.topics.deadLetter, {
      key: original.key,
      value: JSON.stringify({
        requestId: original.requestId,
        reason,
        original: original.value,
        deadLetteredAt: new Date().toISOString(),
      }),
      headers: headersFor(original.requestId ?? 'unknown', original.correlationId),
    });
  }
}
