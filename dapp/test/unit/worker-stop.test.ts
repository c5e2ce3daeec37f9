// SPDX-License-Identifier: Apache-2.0
// A stopped queue worker stays stopped: its kafkajs consumer is never restarted after a crash
// (Kafka unreachable) that happens while or after it stops, and a stop during start consumes
// nothing. A recording stand-in for kafkajs answers as kafkajs does (unit test).
import assert from 'node:assert/strict';

import { createLogger } from '@consortia/common';
import type { ConsumerConfig, Kafka } from 'kafkajs';

import type { Submitter } from '../../src/fabric/submitter';
import type { QueuePublisher } from '../../src/queue/kafka';
import type { QueuedRequestVerifier } from '../../src/queue/verify';
import { QueueWorker } from '../../src/queue/worker';
import type { RequestClaims } from '../../src/store/request-claims';
import type { RequestStore } from '../../src/store/request-store';

function harness(connect: () => Promise<void> = async () => undefined) {
  const configs: ConsumerConfig[] = [];
  const calls: string[] = [];
  const kafka = {
    consumer: (config: ConsumerConfig) => {
      configs.push(config);
      const step = (name: string) => async () => {
        calls.push(name);
      };
      return {
        events: { GROUP_JOIN: 'consumer.group_join' },
        on: () => undefined,
        connect: async () => {
          calls.push('connect');
          await connect();
        },
        subscribe: step('subscribe'),
        run: step('run'),
        stop: step('stop'),
        disconnect: step('disconnect'),
      };
    },
  } as unknown as Kafka;
  const worker = new QueueWorker({
    kafka,
    groupId: 'dapp-workers.store',
    storeId: 'store',
    topics: { requests: 'dapp.tx.requests', results: 'dapp.tx.results', deadLetter: 'dapp.tx.dlq' },
    store: {} as RequestStore,
    claims: {} as RequestClaims,
    verifier: {} as QueuedRequestVerifier,
    submitter: {} as Submitter,
    publisher: {} as QueuePublisher,
    concurrency: 4,
    retryPolicy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    logger: createLogger('worker-test', 'silent'),
  });
  /** kafkajs restarts a crashed consumer unless retry.restartOnFailure answers false. */
  const restartsAfterCrash = async (): Promise<boolean> => {
    const restartOnFailure = configs[0]?.retry?.restartOnFailure;
    return restartOnFailure ? restartOnFailure(new Error('connect ECONNREFUSED')) : true;
  };
  return { worker, configs, calls, restartsAfterCrash };
}

describe('QueueWorker stop', function () {
  it('lets kafkajs restart a crashed consumer while running, never once stopped', async function () {
    const { worker, configs, calls, restartsAfterCrash } = harness();
    await worker.start();
    assert.deepEqual(calls, ['connect', 'subscribe', 'run']);
    // The consumer's other retry settings stay kafkajs's defaults for a consumer.
    assert.equal(configs[0]?.retry?.retries, 5);
    assert.equal(await restartsAfterCrash(), true);
    await worker.stop();
    assert.deepEqual(calls.slice(3), ['stop', 'disconnect']);
    assert.equal(await restartsAfterCrash(), false);
  });

  it('consumes nothing when stopped while it was still joining', async function () {
    let joined!: () => void;
    const joining = new Promise<void>((resolve) => (joined = resolve));
    const { worker, calls, restartsAfterCrash } = harness(() => joining);
    const started = worker.start();
    await new Promise((resolve) => setImmediate(resolve));
    await worker.stop();
    joined();
    await started;
    assert.equal(calls.includes('run'), false, `no run after stop: ${calls.join(', ')}`);
    assert.equal(calls.at(-1), 'disconnect');
    assert.equal(await restartsAfterCrash(), false);
  });
});
