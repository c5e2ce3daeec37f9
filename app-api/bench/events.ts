// SPDX-License-Identifier: Apache-2.0
// `npm run bench -w app-api` (after the listing benchmark): event stream delivery on the real
// stack. An admin writes BENCH_EVENTS assets through the app-api and the DAPP while a WebSocket
// subscriber follows them live; each event's latency runs from the write's commit (the DAPP's
// answer) to its receipt. Then the same events are replayed from their first block to one
// subscriber, and to fifty at once, for throughput. Writes bench/results/events.json at the
// repository root; without Fabric it says why and exits 1, writing nothing.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { testNetworkUnavailable } from '@consortia/network/testing';

import type { ReceivedBatch } from '../test/support/event-client';
import { EventClient } from '../test/support/event-client';
import { startRealStack } from '../test/support/real-stack';
import { call, login, waitUntil } from '../test/support/stack';
import { waitForCatchUp } from './catch-up';
import { benchOptions } from './options';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 16);
const SUBSCRIBERS = 50;
const RESULTS = path.resolve(__dirname, '..', '..', 'bench', 'results', 'events.json');
const ADMIN = { username: 'events-bench-admin', password: 'benchmark admin pass 2026' };
const log = (message: string) => process.stderr.write(`  ${message}\n`);

const percentile = (sorted: number[], fraction: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? 0;
const round = (value: number) => Math.round(value * 10) / 10;

async function main(): Promise<number> {
  const unavailable = testNetworkUnavailable();
  if (unavailable) {
    process.stderr.write(`events benchmark needs a real Fabric network: ${unavailable}\n`);
    return 1;
  }
  const stack = await startRealStack('events-bench', ADMIN, log);
  const clients: EventClient[] = [];
  try {
    const base = stack.api.base;
    const admin = await login(base, ADMIN.username, ADMIN.password);
    const owner = `events-bench-${crypto.randomBytes(3).toString('hex')}`;
    // The stack's datasync starts from block 0: once it has one write of now, it has caught up.
    const warmUp = await call<{ blockNumber: number }>(base, 'POST', '/v1/assets', {
      token: admin.accessToken,
      body: { id: `${owner}-warm-up`, type: 'crate', ownerId: `${owner}-other`, attributes: {} },
    });
    if (warmUp.status !== 201) throw new Error(`warm-up write: ${JSON.stringify(warmUp.body)}`);
    await waitForCatchUp({
      target: warmUp.body.blockNumber,
      applied: async () => (await stack.api.service.mirror.freshness()).syncedBlock,
      ...benchOptions().catchUp,
      log,
    });
    const from = (await stack.api.service.mirror.freshness()).syncedBlock + 1;
    const subscribe = async (name: string, onBatch?: (batch: ReceivedBatch) => void) => {
      const created = await call<{ id: string }>(base, 'POST', '/v1/event-subscriptions', {
        token: admin.accessToken,
        body: {
          name,
          eventName: 'AssetCreated',
          payloadFilters: { asset: { owner: { ownerId: owner } } },
          from,
          delivery: 'websocket',
          batchSize: 100,
          batchWaitMs: 20,
        },
      });
      if (created.status !== 201) throw new Error(`subscribe: ${JSON.stringify(created.body)}`);
      const client = new EventClient(base, created.body.id, {
        token: () => admin.accessToken,
        onBatch,
      });
      clients.push(client);
      return client;
    };
    const received = new Map<string, number>();
    const live = await subscribe('live', (batch) => {
      const now = Date.now();
      for (const event of batch.events)
        if (!received.has(event.txId)) received.set(event.txId, now);
    });
    live.start();

    log(`writing ${EVENTS} assets, ${WRITERS} at a time, while a subscriber follows`);
    const committed = new Map<string, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (next < EVENTS) {
          const index = next++;
          const answer = await call<{ txId: string }>(base, 'POST', '/v1/assets', {
            token: admin.accessToken,
            body: { id: `${owner}-${index}`, type: 'crate', ownerId: owner, attributes: { index } },
          });
          if (answer.status !== 201) throw new Error(`write: ${JSON.stringify(answer.body)}`);
          committed.set(answer.body.txId, Date.now());
        }
      }),
    );
    await waitUntil('every event live', async () => received.size >= EVENTS, 300_000);
    const latencies = [...committed].map(([txId, at]) =>
      Math.max(0, (received.get(txId) ?? at) - at),
    );
    latencies.sort((a, b) => a - b);

    const replay = async (count: number) => {
      const readers = await Promise.all(
        Array.from({ length: count }, (_, i) => subscribe(`replay-${count}-${i}`)),
      );
      const started = Date.now();
      for (const reader of readers) reader.start();
      const done = (reader: EventClient) => new Set(reader.events.map((e) => e.id)).size >= EVENTS;
      await waitUntil(`${count} replays`, async () => readers.every(done), 600_000);
      const seconds = (Date.now() - started) / 1000;
      const missed = readers.reduce(
        (sum, reader) =>
          sum +
          [...committed.keys()].filter((txId) => !reader.events.some((e) => e.txId === txId))
            .length,
        0,
      );
      for (const reader of readers) reader.stop();
      return { perSecond: round((count * EVENTS) / seconds), missed };
    };
    log('replaying to one subscriber, then to fifty');
    const one = await replay(1);
    const fifty = await replay(SUBSCRIBERS);
    const liveMissed = [...committed.keys()].filter((txId) => !received.has(txId)).length;
    const output = {
      measuredAt: new Date().toISOString(),
      events: EVENTS,
      latencyMs: {
        p50: round(percentile(latencies, 0.5)),
        p95: round(percentile(latencies, 0.95)),
      },
      eventsPerSec: { oneSubscriber: one.perSecond, fiftySubscribers: fifty.perSecond },
      missed: liveMissed + one.missed + fifty.missed,
      notes:
        'latency: from the DAPP answering a write committed to the live subscriber receiving its event (woken by block notifications, batchWaitMs 20); throughput: replay of the same events from their first block, all subscribers together',
    };
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return output.missed === 0 ? 0 : 1;
  } finally {
    for (const client of clients) client.stop();
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`events benchmark failed: ${String(error)}\n`);
    process.exit(1);
  },
);
