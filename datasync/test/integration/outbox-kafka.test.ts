// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { kafkaClient } from '@consortia/network';
import type { TestKafka } from '@consortia/network/testing';
import { startTestKafka, testKafkaUnavailable } from '@consortia/network/testing';
import type { Kafka } from 'kafkajs';

import { decodeBlock } from '../../src/decode/block';
import type { LedgerEventMessage } from '../../src/outbox/relay';
import { EVENT_ID_HEADER, OutboxRelay } from '../../src/outbox/relay';
import { applyBlock } from '../../src/store/writer';
import { workloadChain } from '../../src/testing/blocks';
import type { TestPostgres } from '../support/postgres';
import { quietLogger, startPostgres, tempDir, waitUntil } from '../support/postgres';

const TOPIC = 'ledger.events';

interface Received {
  eventId: string;
  message: LedgerEventMessage;
}

/** Reads the whole topic from the beginning with a fresh consumer group. */
async function readTopic(kafka: Kafka, expected: number): Promise<Received[]> {
  const consumer = kafka.consumer({ groupId: `reader-${Date.now()}-${Math.random()}` });
  const received: Received[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({
          eventId: String(message.headers?.[EVENT_ID_HEADER]),
          message: JSON.parse(String(message.value)) as LedgerEventMessage,
        });
      },
    });
    await waitUntil(`${expected} messages`, async () => received.length >= expected, 60_000);
    // anything published twice would arrive right behind
    await new Promise((resolve) => setTimeout(resolve, 1500));
  } finally {
    await consumer.disconnect();
  }
  return received;
}

function assertOncePerEventInLedgerOrder(
  received: Received[],
  channels: string[],
  perChannel: number,
) {
  const ids = received.map((entry) => entry.eventId);
  assert.equal(new Set(ids).size, ids.length, 'no event published twice');
  for (const channel of channels) {
    const positions = received
      .filter((entry) => entry.message.channel === channel)
      .map((entry) => [entry.message.blockNumber, entry.message.txIndex]);
    assert.equal(positions.length, perChannel, `${channel}: every event published`);
    const sorted = [...positions].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    assert.deepEqual(positions, sorted, `${channel}: in ledger order`);
  }
}

describe('outbox relay to a real Kafka broker', function () {
  this.timeout(300_000);
  const stateDir = tempDir('kafka');
  let broker: TestKafka | undefined;
  let postgres: TestPostgres;
  let kafka: Kafka;

  before(async function () {
    this.timeout(240_000);
    const unavailable = testKafkaUnavailable();
    if (unavailable) {
      process.stderr.write(`      ${unavailable}: skipped\n`);
      this.skip();
    }
    postgres = await startPostgres('outbox', 32130);
    broker = await startTestKafka(stateDir);
    kafka = kafkaClient(broker.node, 'datasync-test');
  });

  after(async function () {
    await broker?.stop();
    await postgres?.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('publishes each event once, in ledger order per channel, also after a relay crash', async function () {
    for (const channel of ['north', 'south']) {
      for (const block of workloadChain(channel, 21))
        await applyBlock(postgres.pool, decodeBlock(block));
    }
    // 20 blocks x 2 valid events per channel
    const total = 80;

    // The first relay "crashes": Kafka acknowledged its third batch but it never marks it.
    let batches = 0;
    let release: (() => void) | undefined;
    const crashing = new OutboxRelay({
      pool: postgres.pool,
      kafka,
      topic: TOPIC,
      logger: quietLogger(),
      batchSize: 7,
      afterSend: async () => {
        batches++;
        if (batches === 3) {
          await new Promise<void>((resolve) => (release = resolve));
          throw new Error('crashed before marking');
        }
      },
    });
    crashing.start();
    await waitUntil(
      'the first relay to hang after its third send',
      async () => release !== undefined,
    );
    const unmarkedButSent = await postgres.pool.query<{ count: string }>(
      'SELECT count(*) FROM outbox WHERE published_at IS NULL',
    );
    assert.equal(Number(unmarkedButSent.rows[0]!.count), total - 14);

    const successor = new OutboxRelay({
      pool: postgres.pool,
      kafka,
      topic: TOPIC,
      logger: quietLogger(),
      batchSize: 7,
    });
    successor.start();
    try {
      await waitUntil('the outbox to drain', async () => {
        const { rows } = await postgres.pool.query<{ count: string }>(
          'SELECT count(*) FROM outbox WHERE published_at IS NULL',
        );
        return Number(rows[0]!.count) === 0;
      });
      const received = await readTopic(kafka, total);
      assert.equal(received.length, total);
      assertOncePerEventInLedgerOrder(received, ['north', 'south'], 40);
      assert.equal(received[0]!.message.eventName, 'AssetCreated');
      assert.equal(
        (received[0]!.message.payload as { asset: { docType: string } }).asset.docType,
        'asset',
      );
    } finally {
      release?.();
      await crashing.stop();
      await successor.stop();
    }
  });

  it('publishes events of blocks applied while it runs', async function () {
    const relay = new OutboxRelay({
      pool: postgres.pool,
      kafka,
      topic: TOPIC,
      logger: quietLogger(),
      batchSize: 50,
    });
    relay.start();
    try {
      const chain = workloadChain('west', 6).map((block) => decodeBlock(block));
      for (const block of chain) await applyBlock(postgres.pool, block);
      const received = await readTopic(kafka, 80 + 10);
      assertOncePerEventInLedgerOrder(received, ['north', 'south'], 40);
      assertOncePerEventInLedgerOrder(received, ['west'], 10);
    } finally {
      await relay.stop();
    }
  });
});
