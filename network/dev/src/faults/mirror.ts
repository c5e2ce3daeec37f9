// SPDX-License-Identifier: Apache-2.0
/**
 * The mirror's side of the checks: `datasync verify` against the ledger, and the outbox's
 * delivery of every valid transaction's event to the `ledger.events` topic.
 */
import path from 'node:path';

import { kafkaClientConfig, readKafkaClientVariables } from '@consortia/common';
import { mirrorDatabaseUrl, runCommand } from '@consortia/network';
import { Kafka, logLevel } from 'kafkajs';

import type { LedgerEvent } from './ledger';
import type { Stack } from './stack';
import { serviceOf } from './stack';

export interface VerifyOutcome {
  clean: boolean;
  output: string;
}

/** `datasync verify` with datasync's own settings, pointed at the running mirror. */
export async function verifyMirror(stack: Stack): Promise<VerifyOutcome> {
  const service = serviceOf(stack, 'datasync');
  const result = await runCommand(
    process.execPath,
    [path.join(service.workspace, 'dist', 'index.js'), 'verify'],
    {
      cwd: service.workspace,
      env: { ...process.env, ...service.env, DATABASE_URL: mirrorDatabaseUrl(stack.topology) },
      timeoutMs: 180_000,
    },
  );
  const output = `${result.stdout}\n${result.stderr}`.trim();
  return {
    clean: result.code === 0,
    output: `exit ${result.code}: ${output.split('\n').slice(-8).join('\n')}`,
  };
}

export interface OutboxOutcome {
  /** Events on the ledger that the topic does not hold. */
  missing: LedgerEvent[];
  published: number;
  skipped?: string;
}

const TOPIC = 'ledger.events';

/** Reads the whole topic (bounded by its end offsets and a deadline) and looks up each event. */
export async function checkOutbox(
  stack: Stack,
  events: readonly LedgerEvent[],
): Promise<OutboxOutcome> {
  const { env } = serviceOf(stack, 'datasync');
  const brokers = (env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) {
    return { missing: [], published: 0, skipped: 'no Kafka broker: datasync runs no outbox relay' };
  }
  // connects as datasync does (its brokers, TLS and credentials), so it reads what datasync wrote
  const kafka = new Kafka(
    kafkaClientConfig(readKafkaClientVariables(env, 'faults'), {
      brokers,
      clientId: 'consortia-faults',
      logLevel: logLevel.NOTHING,
    }),
  );
  const admin = kafka.admin();
  await admin.connect();
  let ends: { partition: number; high: string }[];
  try {
    ends = (await admin.fetchTopicOffsets(TOPIC)).map(({ partition, high }) => ({
      partition,
      high,
    }));
  } finally {
    await admin.disconnect();
  }
  const remaining = new Map(
    ends.filter((end) => end.high !== '0').map((end) => [end.partition, BigInt(end.high)]),
  );
  const seen = new Set<string>();
  let published = 0;
  if (remaining.size > 0) {
    // a group under datasync's own prefix: its Kafka user may join only those
    const consumer = kafka.consumer({ groupId: `datasync-faults-check-${Date.now()}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`reading ${TOPIC} took over 120 s`)),
          120_000,
        );
        void consumer
          .run({
            eachMessage: async ({ partition, message }) => {
              published++;
              try {
                const value = JSON.parse(message.value?.toString('utf8') ?? '{}') as {
                  blockNumber?: number;
                  txIndex?: number;
                };
                seen.add(`${String(value.blockNumber)}/${String(value.txIndex)}`);
              } catch {
                // not an event message: counted, not matched
              }
              const high = remaining.get(partition);
              if (high !== undefined && BigInt(message.offset) + 1n >= high)
                remaining.delete(partition);
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
  }
  return {
    missing: events.filter((event) => !seen.has(`${event.block}/${event.txIndex}`)),
    published,
  };
}
