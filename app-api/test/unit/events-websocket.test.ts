// SPDX-License-Identifier: Apache-2.0
// WebSocket delivery over a real socket, with the mirror and the subscription store stood in:
// what a client that stops acknowledging leaves on its subscription and in the metrics.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { createLogger } from '@consortia/common';
import { Registry } from 'prom-client';

import type { Principal } from '../../src/auth/permissions';
import { EventMetrics } from '../../src/events/metrics';
import type { SubscriptionStore } from '../../src/events/store';
import { StreamServer } from '../../src/events/websocket';
import type { EventClientOptions } from '../support/event-client';
import { EventClient } from '../support/event-client';
import { FakeSource, fakeStore, row, SUBSCRIPTION } from '../support/events-fakes';

const OWNER: Principal = {
  userId: SUBSCRIPTION.ownerUserId,
  username: 'one',
  sessionId: 's',
  roles: ['member'],
  permissions: new Set(['events:read']),
  fabricIdentity: undefined,
};

async function until(what: string, check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A stream server on 127.0.0.1 over a stand-in store of one WebSocket subscription. */
async function streaming(ackTimeoutMs: number) {
  const source = new FakeSource();
  source.rows = [1, 2, 3, 4, 5, 6].map((block) => row(block, 0));
  const store = fakeStore({ ...SUBSCRIPTION, delivery: 'websocket', webhookUrl: null });
  const registry = new Registry();
  const streams = new StreamServer(
    store as unknown as SubscriptionStore,
    source,
    async () => OWNER,
    createLogger('unit', 'silent'),
    { pingMs: 60_000, ackTimeoutMs, startTimeoutMs: 5_000 },
    new EventMetrics(registry),
  );
  const server = http.createServer();
  streams.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: EventClient[] = [];
  return {
    store,
    client(options: Partial<EventClientOptions> = {}) {
      // No reconnection of its own within a test: each connection is one the test makes.
      const client = new EventClient(base, SUBSCRIPTION.id, {
        token: () => 'token',
        reconnectMs: 600_000,
        ...options,
      });
      clients.push(client);
      client.start();
      return client;
    },
    metric: async (name: string, labels: Record<string, string>) =>
      (await registry.getSingleMetric(name)?.get())?.values.find((sample) =>
        Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
      )?.value ?? 0,
    async close() {
      for (const client of clients) client.stop();
      await streams.close();
      source.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('event streams over WebSocket', function () {
  this.timeout(20_000);

  it('pauses a client that stops acknowledging, with the error on the subscription and in the metrics; a resume or a new connection gets the batch again', async function () {
    const stream = await streaming(150);
    try {
      const silent = stream.client({ acknowledge: () => false });
      await until('the pause', () => silent.messages.some((m) => m.type === 'paused'));
      let current = await stream.store.get();
      assert.equal(current.state, 'paused');
      assert.equal(current.stateReason, 'ACK_TIMEOUT');
      const first = silent.batches[0]?.batchId ?? '';
      assert.equal(
        current.lastError,
        `batch ${first} (3 events, sent 1 time) was not acknowledged within 150 ms`,
      );
      assert.equal(silent.closes.length, 0, 'the connection is kept');
      assert.equal(await stream.metric('app_api_events_batches_failed_total', {}), 1);
      assert.equal(
        await stream.metric('app_api_events_subscriptions_paused_total', { reason: 'ACK_TIMEOUT' }),
        1,
      );
      assert.equal(await stream.metric('app_api_events_batches_retried_total', {}), 0);

      // A resume sends the same batch again: a retry, and a second pause names it.
      const pauses = () => silent.messages.filter((m) => m.type === 'paused').length;
      silent.send({ type: 'resume' });
      await until('the batch again', () => silent.batches.length === 2);
      assert.equal(silent.batches[1]?.batchId, first);
      await until('the second pause', () => pauses() === 2);
      current = await stream.store.get();
      assert.match(current.lastError ?? '', /sent 2 times\) was not acknowledged/);
      assert.equal(
        await stream.metric('app_api_events_batches_retried_total', { transport: 'websocket' }),
        1,
      );

      // A new connection takes over, lifts the pause and gets the batch once more.
      const fresh = stream.client();
      await until('the fresh client to pass the first batch', () => fresh.batches.length >= 2);
      assert.equal(fresh.batches[0]?.batchId, first);
      assert.notEqual(fresh.batches[1]?.batchId, first);
      assert.deepEqual(silent.closes.at(-1)?.code, 4409);
      current = await stream.store.get();
      assert.equal(current.state, 'active');
      assert.equal(current.lastError, null);
      assert.equal(
        await stream.metric('app_api_events_batches_retried_total', { transport: 'websocket' }),
        2,
      );
      assert.equal(await stream.metric('app_api_events_batches_failed_total', {}), 2);
    } finally {
      await stream.close();
    }
  });

  it('is not left paused by an acknowledgement that arrives while the pause is being written', async function () {
    const stream = await streaming(100);
    try {
      const late = stream.client({ acknowledge: () => false });
      // The pause's write is slow: the acknowledgement arrives and advances meanwhile.
      stream.store.beforePause = async () => {
        stream.store.beforePause = async () => undefined;
        late.send({ type: 'ack', batchId: late.batches[0]?.batchId });
        await until('the advance', () => stream.store.calls.some((c) => c.startsWith('advance')));
        await new Promise((resolve) => setTimeout(resolve, 50));
      };
      await until('the next batch', () => late.batches.length >= 2);
      assert.equal((await stream.store.get()).state, 'active');
    } finally {
      await stream.close();
    }
  });
});
