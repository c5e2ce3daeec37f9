// SPDX-License-Identifier: Apache-2.0
import { Kafka, logLevel } from 'kafkajs';

import type { Gauge } from './text-format';

export interface KafkaFigures {
  brokers: number;
  topics: { topic: string; partitions: number; underReplicated: number; messages: number }[];
}

/** Topics whose offsets are read at the same time. */
const OFFSET_REQUESTS = 4;

/**
 * What Kafka's JMX would tell, read through its admin API instead (Kafka serves no Prometheus
 * endpoint of its own): brokers, each topic's partitions that lack in-sync replicas, and the
 * messages each topic retains (so a dead-letter topic that is not empty shows).
 */
export async function readKafka(brokers: readonly string[]): Promise<KafkaFigures> {
  const kafka = new Kafka({
    clientId: 'consortia-exporter',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    const metadata = await admin.fetchTopicMetadata();
    const pending = metadata.topics.filter((each) => !each.name.startsWith('__'));
    const topics: KafkaFigures['topics'] = [];
    // a few topics at a time: kafkajs serializes the metadata refresh behind each offsets
    // request, and a hundred at once wait on that lock past its timeout
    const worker = async () => {
      for (let topic = pending.shift(); topic; topic = pending.shift()) {
        const offsets = await admin.fetchTopicOffsets(topic.name);
        topics.push({
          topic: topic.name,
          partitions: topic.partitions.length,
          underReplicated: topic.partitions.filter(
            (partition) => partition.isr.length < partition.replicas.length,
          ).length,
          messages: offsets.reduce(
            (sum, offset) => sum + (Number(offset.high) - Number(offset.low)),
            0,
          ),
        });
      }
    };
    await Promise.all(Array.from({ length: OFFSET_REQUESTS }, worker));
    topics.sort((a, b) => a.topic.localeCompare(b.topic));
    return { brokers: cluster.brokers.length, topics };
  } finally {
    await admin.disconnect();
  }
}

export function kafkaGauges(figures: KafkaFigures): Gauge[] {
  return [
    {
      name: 'consortia_kafka_brokers',
      help: 'Kafka brokers in the cluster',
      samples: [{ labels: {}, value: figures.brokers }],
    },
    {
      name: 'consortia_kafka_under_replicated_partitions',
      help: 'Partitions of a topic whose in-sync replicas are fewer than its replicas',
      samples: figures.topics.map((topic) => ({
        labels: { topic: topic.topic },
        value: topic.underReplicated,
      })),
    },
    {
      name: 'consortia_kafka_topic_partitions',
      help: 'Partitions of each topic',
      samples: figures.topics.map((topic) => ({
        labels: { topic: topic.topic },
        value: topic.partitions,
      })),
    },
    {
      name: 'consortia_kafka_topic_messages',
      help: 'Messages each topic retains (high watermark minus log start, over its partitions)',
      samples: figures.topics.map((topic) => ({
        labels: { topic: topic.topic },
        value: topic.messages,
      })),
    },
  ];
}
