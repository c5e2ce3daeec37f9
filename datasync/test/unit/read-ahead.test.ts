// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { consecutiveRuns, readAhead } from '../../src/sync/read-ahead';

const tick = () => new Promise((resolve) => setImmediate(resolve));

async function* numbers(count: number, delay: () => Promise<unknown> = tick) {
  for (let number = 0; number < count; number++) {
    await delay();
    yield number;
  }
}

describe('reading blocks ahead of the writer', function () {
  it('hands over what arrived while the consumer was busy, in order', async function () {
    const batches: number[][] = [];
    for await (const batch of readAhead(numbers(50), { maxBatch: 10, maxQueued: 100 })) {
      batches.push(batch);
      // a slow consumer: several items arrive meanwhile
      for (let wait = 0; wait < 5; wait++) await tick();
    }
    assert.deepEqual(batches.flat(), [...Array(50).keys()]);
    assert.ok(batches.length < 50, 'items were batched');
    assert.ok(batches.every((batch) => batch.length <= 10));
  });

  it('passes a lone item on at once when nothing else is coming', async function () {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* live() {
      yield 1;
      await gate;
      yield 2;
    }
    const seen: number[][] = [];
    for await (const batch of readAhead(live(), { maxBatch: 10, maxQueued: 10 })) {
      seen.push(batch);
      if (seen.length === 1) release();
    }
    assert.deepEqual(seen, [[1], [2]]);
  });

  it('throws the source error after the items read before it', async function () {
    async function* failing() {
      yield 1;
      await tick();
      throw new Error('peer gone');
    }
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const batch of readAhead(failing(), { maxBatch: 10, maxQueued: 10 })) {
        seen.push(...batch);
      }
    }, /peer gone/);
    assert.deepEqual(seen, [1]);
  });

  it('stops reading ahead at the queue limit', async function () {
    let read = 0;
    async function* counted() {
      for (let number = 0; number < 100; number++) {
        read++;
        await tick();
        yield number;
      }
    }
    for await (const batch of readAhead(counted(), { maxBatch: 1, maxQueued: 5 })) {
      assert.ok(batch.length === 1);
      for (let wait = 0; wait < 20; wait++) await tick();
      assert.ok(read <= 7, `read ${read} items ahead`);
      break;
    }
  });

  it('lets other I/O run while a source has items ready at once', async function () {
    async function* ready() {
      for (let number = 0; number < 10_000; number++) yield number;
    }
    const sizes: number[] = [];
    for await (const batch of readAhead(ready(), { maxBatch: 10_000, maxQueued: 10_000 })) {
      sizes.push(batch.length);
      // the consumer waits for I/O (a timer here, a Postgres reply in datasync)
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (sizes.length === 2) break;
    }
    assert.ok((sizes[1] ?? 0) < 5_000, `the timer waited for ${sizes[1]} items to be read`);
  });

  it('splits a batch where block numbers jump', function () {
    const runs = consecutiveRuns([1, 2, 3, 5, 6, 9].map((number) => ({ number })));
    assert.deepEqual(
      runs.map((run) => run.map((item) => item.number)),
      [[1, 2, 3], [5, 6], [9]],
    );
  });
});
