// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import type { Producer, ProducerBatch } from 'kafkajs';
import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';

import { ProduceBatcher } from '../../src/queue/produce-batcher';

/** A producer whose sends finish when the test says so; it records what each one carried. */
function fakeProducer() {
  const sends: { batch: ProducerBatch; finish: (error?: Error) => void }[] = [];
  const producer = {
    sendBatch: (batch: ProducerBatch) =>
      new Promise((resolve, reject) => {
        sends.push({ batch, finish: (error) => (error ? reject(error) : resolve([])) });
      }),
  } as unknown as Producer;
  const carried = (index: number) =>
    (sends[index]?.batch.topicMessages ?? []).map(
      ({ topic, messages }) => `${topic}:${messages.map((m) => String(m.value)).join(',')}`,
    );
  return { producer, sends, carried };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** What kafkajs throws when the broker cannot be reached (seen with a killed broker). */
const gaveUp = new KafkaJSNonRetriableError(
  new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092'),
);

describe('ProduceBatcher', function () {
  it('sends a message at once when idle, and those given meanwhile together, in order', async function () {
    const { producer, sends, carried } = fakeProducer();
    const batcher = new ProduceBatcher(producer);
    const first = batcher.send('requests', { key: 'k', value: '1' });
    await settle();
    assert.deepEqual(carried(0), ['requests:1'], 'not held back for company');
    const later = [
      batcher.send('requests', { key: 'k', value: '2' }),
      batcher.send('results', { key: 'r', value: 'a' }),
      batcher.send('requests', { key: 'k', value: '3' }),
    ];
    await settle();
    assert.equal(sends.length, 1, 'one send in flight at a time');
    sends[0]?.finish();
    await first;
    await settle();
    assert.deepEqual(carried(1), ['requests:2,3', 'results:a']);
    assert.equal(sends[1]?.batch.acks, -1);
    sends[1]?.finish();
    await Promise.all(later);
  });

  it('tells every caller of a failed send and those waiting behind it, then goes on', async function () {
    const { producer, sends, carried } = fakeProducer();
    const batcher = new ProduceBatcher(producer);
    const first = batcher.send('requests', { value: '1' });
    await settle();
    const second = batcher.send('requests', { value: '2' });
    const third = batcher.send('requests', { value: '3' });
    sends[0]?.finish();
    await first;
    await settle();
    // Arrives while the send of 2 and 3 is failing: told at once, not sent on its own later.
    const behind = batcher.send('requests', { value: 'behind' });
    sends[1]?.finish(gaveUp);
    await assert.rejects(second, /ECONNREFUSED/);
    await assert.rejects(third, /ECONNREFUSED/);
    await assert.rejects(behind, /ECONNREFUSED/);
    const fourth = batcher.send('requests', { value: '4' });
    await settle();
    assert.equal(sends.length, 3, 'nothing sent for the message behind the failure');
    assert.deepEqual(carried(2), ['requests:4']);
    sends[2]?.finish();
    await fourth;
  });

  it('fails only its own batch when Kafka refuses the batch itself', async function () {
    const { producer, sends } = fakeProducer();
    const batcher = new ProduceBatcher(producer);
    const tooLarge = batcher.send('requests', { value: 'x'.repeat(1_000) });
    await settle();
    const behind = batcher.send('requests', { value: 'small' });
    // kafkajs keeps the broker's refusal as the cause of the error it throws.
    const refusal = new KafkaJSProtocolError(
      Object.assign(new Error('The request included a message larger than the max message size'), {
        type: 'MESSAGE_TOO_LARGE',
      }),
    );
    sends[0]?.finish(Object.assign(new KafkaJSNonRetriableError(refusal), { cause: refusal }));
    await assert.rejects(tooLarge, /larger than the max message size/);
    await settle();
    assert.equal(sends.length, 2, 'the message behind it is sent');
    sends[1]?.finish();
    await behind;
  });

  it('caps a send by messages and bytes; a message over the cap goes alone', async function () {
    const { producer, sends, carried } = fakeProducer();
    const batcher = new ProduceBatcher(producer, { maxMessages: 2, maxBytes: 10 });
    const all = [batcher.send('t', { value: '0' })];
    await settle();
    for (const value of ['a', 'b', 'c', 'x'.repeat(20), 'd', 'e'])
      all.push(batcher.send('t', { value }));
    for (let index = 0; index < 5; index += 1) {
      sends[index]?.finish();
      await settle();
    }
    assert.deepEqual([1, 2, 3, 4].map(carried), [
      ['t:a,b'],
      ['t:c'],
      [`t:${'x'.repeat(20)}`],
      ['t:d,e'],
    ]);
    await Promise.all(all);
  });
});
