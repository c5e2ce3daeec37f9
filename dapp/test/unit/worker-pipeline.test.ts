// SPDX-License-Identifier: Apache-2.0
// The queue worker does not hold a fetch behind its slowest transaction: kafkajs fetches again
// only once every batch handler returned, so a handler that waited for its messages' commits
// made every partition wait for the slowest one. Offsets are still committed only past messages
// whose outcome is known, and a message that could not be processed is read again (unit test,
// with a recording stand-in for kafkajs).
import assert from 'node:assert/strict';

import { createLogger } from '@consortia/common';
import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';

import type { Submitter } from '../../src/fabric/submitter';
import type { QueuePublisher } from '../../src/queue/kafka';
import { PartitionProgress } from '../../src/queue/partition-progress';
import { StoppedBeforeClaim } from '../../src/queue/request-processor';
import type { QueuedRequestVerifier } from '../../src/queue/verify';
import { QueueWorker } from '../../src/queue/worker';
import type { RequestClaims } from '../../src/store/request-claims';
import type { RequestStore } from '../../src/store/request-store';

const TOPIC = 'dapp.tx.requests';

function message(offset: number, key: string): KafkaMessage {
  return {
    offset: String(offset),
    key: Buffer.from(key),
    value: Buffer.from('{}'),
    timestamp: '0',
    attributes: 0,
    headers: {},
  };
}

async function harness(handle: (message: KafkaMessage) => Promise<void>) {
  let eachBatch!: (payload: EachBatchPayload) => Promise<void>;
  const commits: string[] = [];
  const calls: string[] = [];
  /** While kafkajs restarts a crashed consumer, it refuses pause, seek and resume. */
  const consumer = { restarting: false };
  const refused = (call: string) => {
    if (consumer.restarting) {
      throw new Error('Consumer group was not initialized, consumer#run must be called first');
    }
    return call;
  };
  let onJoin: (event: { payload: { memberAssignment: Record<string, number[]> } }) => void = () =>
    undefined;
  const kafka = {
    consumer: () => ({
      events: { GROUP_JOIN: 'consumer.group_join' },
      on: (_event: string, listener: typeof onJoin) => (onJoin = listener),
      connect: async () => undefined,
      subscribe: async () => undefined,
      run: async (config: { eachBatch: typeof eachBatch }) => {
        eachBatch = config.eachBatch;
      },
      commitOffsets: async (offsets: { partition: number; offset: string }[]) => {
        for (const { partition, offset } of offsets) commits.push(`${partition}:${offset}`);
      },
      pause: () => calls.push(refused('pause')),
      resume: () => calls.push(refused('resume')),
      seek: ({ offset }: { offset: string }) => calls.push(refused(`seek ${offset}`)),
      stop: async () => undefined,
      disconnect: async () => undefined,
    }),
  } as unknown as Kafka;
  const worker = new QueueWorker({
    kafka,
    groupId: 'dapp-workers.store',
    storeId: 'store',
    topics: { requests: TOPIC, results: 'dapp.tx.results', deadLetter: 'dapp.tx.dlq' },
    store: {} as RequestStore,
    claims: {} as RequestClaims,
    verifier: {} as QueuedRequestVerifier,
    submitter: {} as Submitter,
    publisher: {} as QueuePublisher,
    concurrency: 8,
    retryPolicy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    logger: createLogger('worker-test', 'silent'),
  });
  // The message's own processing (store, Fabric, results) is another test's; this one is consuming.
  (worker as unknown as { processor: { handle: typeof handle } }).processor = { handle };
  await worker.start();
  const deliver = (partition: number, messages: KafkaMessage[]) =>
    eachBatch({
      batch: { topic: TOPIC, partition, messages },
      heartbeat: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
      resolveOffset: () => undefined,
    } as unknown as EachBatchPayload);
  /** A rebalance's outcome: the partitions this worker now owns. */
  const join = (partitions: number[]) =>
    onJoin({ payload: { memberAssignment: { [TOPIC]: partitions } } });
  return { worker, deliver, commits, calls, join, consumer };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('QueueWorker consuming', function () {
  it('returns from a batch before its messages commit, so the next fetch is not held', async function () {
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    const { worker, deliver, commits } = await harness(async (m) => {
      if (m.key?.toString() === 'a') await slow;
      handled.push(m.key?.toString() ?? '');
    });
    const first = await Promise.race([
      deliver(0, [message(0, 'a')]).then(() => 'returned'),
      tick(),
    ]);
    assert.equal(first, 'returned', 'the batch handler waited for a slow transaction');
    await deliver(1, [message(0, 'b')]);
    await tick();
    assert.deepEqual(handled, ['b'], 'the other partition ran while the slow message waits');
    assert.deepEqual(commits, ['1:1']);
    release();
    await worker.stop();
    assert.deepEqual(handled, ['b', 'a']);
    assert.deepEqual(commits, ['1:1', '0:1']);
  });

  it('commits past finished messages only, and keeps a key in order across batches', async function () {
    const gates = new Map<string, () => void>();
    const handled: string[] = [];
    const { worker, deliver, commits } = await harness(async (m) => {
      await new Promise<void>((resolve) => gates.set(m.offset, resolve));
      handled.push(m.offset);
    });
    await deliver(0, [message(0, 'a'), message(1, 'b')]);
    await deliver(0, [message(2, 'a')]);
    await tick();
    assert.deepEqual([...gates.keys()], ['0', '1'], 'offset 2 waits for offset 0, same key');
    gates.get('1')?.();
    await tick();
    assert.deepEqual(commits, [], 'offset 1 finished, offset 0 not: nothing to commit');
    gates.get('0')?.();
    await tick();
    assert.deepEqual(commits, ['0:2']);
    gates.get('2')?.();
    await worker.stop();
    assert.deepEqual(handled, ['1', '0', '2']);
    assert.deepEqual(commits, ['0:2', '0:3']);
  });

  it('reads a partition again from a message that could not be processed', async function () {
    let failures = 0;
    const { worker, deliver, commits, calls } = await harness(async (m) => {
      if (m.offset === '1' && failures++ === 0) throw new Error('the request store is down');
    });
    await deliver(0, [message(0, 'a'), message(1, 'b'), message(2, 'c')]);
    await tick();
    assert.deepEqual(commits, ['0:1'], 'nothing past the failed message is committed');
    assert.deepEqual(calls, ['pause']);
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.deepEqual(calls, ['pause', 'seek 1', 'resume']);
    // Kafka delivers again from the failed message.
    await deliver(0, [message(1, 'b'), message(2, 'c')]);
    await worker.stop();
    // Each message commits as it finishes: 0:2 may be committed on its own before 0:3.
    const offsets = commits.map((commit) => Number(commit.split(':')[1]));
    assert.deepEqual(
      offsets,
      [...offsets].sort((a, b) => a - b),
      'never moved back',
    );
    assert.deepEqual([offsets[0], offsets.at(-1)], [1, 3]);
  });

  it('survives a failure while kafkajs restarts its consumer, and keeps the key in order', async function () {
    let failures = 0;
    const handled: string[] = [];
    const { worker, deliver, commits, calls, consumer } = await harness(async (m) => {
      if (m.offset === '0' && failures++ === 0) throw new Error('Kafka is unreachable');
      handled.push(m.offset);
    });
    consumer.restarting = true;
    await deliver(0, [message(0, 'a'), message(1, 'a')]);
    await tick();
    assert.deepEqual(handled, [], 'offset 1 waits to be read again after offset 0');
    // The restarted consumer reads from the committed offset; the partition waits out its pause.
    consumer.restarting = false;
    await deliver(0, [message(0, 'a'), message(1, 'a')]);
    assert.deepEqual(calls, ['pause'], 'paused now, not spinning');
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.deepEqual(calls, ['pause', 'seek 0', 'resume']);
    await deliver(0, [message(0, 'a'), message(1, 'a')]);
    await worker.stop();
    assert.deepEqual(handled, ['0', '1']);
    assert.equal(commits.at(-1), '0:2');
  });

  it('on stop leaves a message whose request another worker holds for the next owner', async function () {
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    let stopping = false;
    const { worker, deliver, commits, calls } = await harness(async (m) => {
      if (m.offset === '0') await first;
      // What the processor does when its worker stops while another holds the request.
      else if (stopping) throw new StoppedBeforeClaim('tester:held');
    });
    await deliver(0, [message(0, 'a'), message(1, 'a')]);
    stopping = true;
    const stopped = worker.stop();
    release();
    await stopped;
    assert.deepEqual(commits, ['0:1'], 'offset 1 is delivered again to the next owner');
    assert.deepEqual(calls, [], 'a stopping worker neither pauses nor reads the partition again');
  });

  it('commits nothing for a partition given to another worker, and tracks it afresh on return', async function () {
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    const { worker, deliver, commits, join } = await harness(async (m) => {
      if (handled.length === 0) await slow;
      handled.push(m.offset);
    });
    await deliver(0, [message(0, 'a')]);
    join([1]);
    release();
    await tick();
    assert.deepEqual(handled, ['0']);
    assert.deepEqual(commits, [], 'the new owner commits partition 0 now');
    // Partition 0 comes back before its new owner committed anything: offset 0 again.
    join([0, 1]);
    await deliver(0, [message(0, 'a')]);
    await worker.stop();
    assert.deepEqual(handled, ['0', '0']);
    assert.deepEqual(commits, ['0:1']);
  });
});

describe('PartitionProgress', function () {
  it('moves the committable offset past the oldest finished run, tracking a replay once', async function () {
    const progress = new PartitionProgress();
    const committed: bigint[] = [];
    const commit = () => progress.commit(async (offset) => void committed.push(offset));
    for (const offset of [5n, 6n, 7n]) progress.start(offset);
    progress.finish(7n);
    await commit();
    assert.deepEqual(committed, []);
    progress.start(6n); // delivered again
    progress.finish(5n);
    progress.finish(6n);
    await commit();
    assert.deepEqual(committed, [8n]);
  });
});
