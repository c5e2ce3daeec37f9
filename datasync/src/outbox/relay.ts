// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';

import type { Logger } from '@consortia/common';
import { Backoff } from '@consortia/common/backoff';
import type { Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import type pg from 'pg';

import type { SyncMetrics } from '../http/metrics';
import type { LedgerEvent } from '../read/events';

export interface OutboxRelayOptions {
  pool: pg.Pool;
  kafka: Kafka;
  topic: string;
  logger: Logger;
  metrics?: SyncMetrics;
  batchSize?: number;
  pollMs?: number;
  retry?: { minMs: number; maxMs: number };
  /** Called after Kafka acknowledged a batch and before it is marked published (tests crash here). */
  afterSend?: (ids: readonly string[]) => Promise<void>;
}

interface OutboxRow {
  id: string;
  channel: string;
  block_number: string;
  tx_index: number;
  event_index: number;
  tx_id: string;
  chaincode: string;
  event_name: string;
  payload: Buffer;
}

export const OUTBOX_ID_HEADER = 'outbox-id';
export const EVENT_ID_HEADER = 'event-id';

/** The message value downstream services read from `ledger.events`. */
export interface LedgerEventMessage extends LedgerEvent {
  /** The event payload parsed as JSON, or base64 when it is not JSON. */
  payload: unknown;
  payloadEncoding: 'json' | 'base64';
}

function toMessage(row: OutboxRow): LedgerEventMessage {
  let payload: unknown;
  let payloadEncoding: 'json' | 'base64' = 'json';
  try {
    payload = JSON.parse(row.payload.toString('utf8'));
  } catch {
    payload = row.payload.toString('base64');
    payloadEncoding = 'base64';
  }
  return {
    channel: row.channel,
    blockNumber: Number(row.block_number),
    txIndex: row.tx_index,
    eventIndex: row.event_index,
    txId: row.tx_id,
    chaincode: row.chaincode,
    eventName: row.event_name,
    payload,
    payloadEncoding,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Publishes outbox rows to Kafka in id order (so in ledger order per channel; the channel is the
 * message key, hence one partition per channel) with an idempotent producer and one request in
 * flight. A row is marked published only after Kafka acknowledged it. Before publishing, and
 * after any failed send, the relay reads the tail of the topic and marks the rows already there:
 * a crash between the acknowledgement and the mark therefore never publishes an event twice.
 */
export class OutboxRelay {
  #producer?: Producer;
  #stopping = false;
  #running?: Promise<void>;
  #lastError?: string;

  constructor(private readonly options: OutboxRelayOptions) {}

  get lastError(): string | undefined {
    return this.#lastError;
  }

  start(): void {
    this.#running ??= this.#loop();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#running;
    await this.#disconnect();
  }

  async #disconnect(): Promise<void> {
    const producer = this.#producer;
    this.#producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  async #loop(): Promise<void> {
    const { logger } = this.options;
    const retry = this.options.retry ?? { minMs: 500, maxMs: 30_000 };
    const backoff = new Backoff(retry);
    let reconciled = false;
    while (!this.#stopping) {
      try {
        if (!this.#producer) {
          const producer = this.options.kafka.producer({
            idempotent: true,
            maxInFlightRequests: 1,
            createPartitioner: Partitioners.DefaultPartitioner,
          });
          await producer.connect();
          this.#producer = producer;
        }
        if (!reconciled) {
          await this.reconcile();
          reconciled = true;
        }
        const published = await this.#publishBatch(this.#producer);
        backoff.succeeded();
        this.#lastError = undefined;
        if (published === 0) await sleep(this.options.pollMs ?? 200);
      } catch (error) {
        if (this.#stopping) break;
        this.#lastError = error instanceof Error ? error.message : String(error);
        const delay = backoff.failed();
        logger.warn({ err: error, retryInMs: delay }, 'outbox relay failed; retrying');
        await this.#disconnect();
        // a failed send may still have reached Kafka: look before sending again
        reconciled = false;
        await sleep(delay);
      }
    }
  }

  async #publishBatch(producer: Producer): Promise<number> {
    const { pool, topic, metrics } = this.options;
    const { rows } = await pool.query<OutboxRow>(
      `SELECT id, channel, block_number, tx_index, event_index, tx_id, chaincode, event_name, payload
       FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1`,
      [this.options.batchSize ?? 100],
    );
    if (rows.length === 0) {
      metrics?.outboxPending.set(0);
      return 0;
    }
    await producer.send({
      topic,
      acks: -1,
      messages: rows.map((row) => ({
        key: row.channel,
        value: JSON.stringify(toMessage(row)),
        headers: {
          [OUTBOX_ID_HEADER]: row.id,
          [EVENT_ID_HEADER]: `${row.channel}:${row.block_number}:${row.tx_index}:${row.event_index}`,
          'event-name': row.event_name,
        },
      })),
    });
    const ids = rows.map((row) => row.id);
    await this.options.afterSend?.(ids);
    await pool.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [ids]);
    metrics?.outboxPublished.inc(rows.length);
    const pending = await pool.query<{ count: string }>(
      'SELECT count(*) FROM outbox WHERE published_at IS NULL',
    );
    metrics?.outboxPending.set(Number(pending.rows[0]?.count ?? 0));
    return rows.length;
  }

  /**
   * Marks as published the unmarked rows Kafka already holds. Only the last batch can be in
   * that state, so reading the last `batchSize` messages of each partition is enough.
   */
  async reconcile(): Promise<number> {
    const { kafka, topic, pool, logger } = this.options;
    const tail = this.options.batchSize ?? 100;
    const admin = kafka.admin();
    await admin.connect();
    let offsets: { partition: number; high: string; low: string }[];
    try {
      const topics = await admin.listTopics();
      if (!topics.includes(topic)) {
        await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
        return 0;
      }
      offsets = await admin.fetchTopicOffsets(topic);
    } finally {
      await admin.disconnect();
    }
    const wanted = offsets
      .map((entry) => ({
        partition: entry.partition,
        from: Math.max(Number(entry.low), Number(entry.high) - tail),
        last: Number(entry.high) - 1,
      }))
      .filter((entry) => entry.last >= entry.from);
    if (wanted.length === 0) return 0;

    const highestByChannel = new Map<string, bigint>();
    const groupId = `datasync-outbox-reconcile-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const remaining = new Set(wanted.map((entry) => entry.partition));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('reading the tail of the topic timed out')),
          60_000,
        );
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              const entry = wanted.find((candidate) => candidate.partition === partition);
              const id = message.headers?.[OUTBOX_ID_HEADER];
              const channel = message.key?.toString('utf8');
              if (id !== undefined && channel !== undefined) {
                const value = BigInt(id.toString());
                if (value > (highestByChannel.get(channel) ?? -1n))
                  highestByChannel.set(channel, value);
              }
              if (entry && Number(message.offset) >= entry.last) {
                remaining.delete(partition);
                if (remaining.size === 0) {
                  clearTimeout(timer);
                  resolve();
                }
              }
            },
          })
          .catch(reject);
        for (const entry of wanted)
          consumer.seek({ topic, partition: entry.partition, offset: String(entry.from) });
      });
    } finally {
      await consumer.disconnect();
      const cleanup = kafka.admin();
      await cleanup.connect();
      await cleanup.deleteGroups([groupId]).catch(() => undefined);
      await cleanup.disconnect();
    }
    let marked = 0;
    for (const [channel, highest] of highestByChannel) {
      const result = await pool.query(
        `UPDATE outbox SET published_at = now()
         WHERE published_at IS NULL AND channel = $1 AND id <= $2`,
        [channel, highest.toString()],
      );
      marked += result.rowCount ?? 0;
    }
    if (marked > 0) logger.info({ marked }, 'outbox rows found already in Kafka; marked published');
    return marked;
  }
}
