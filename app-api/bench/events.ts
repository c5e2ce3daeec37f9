// SPDX-License-Identifier: Apache-2.0
// `npm run bench -w app-api` (after the listing benchmark): event stream delivery on the real
// stack. An admin writes BENCH_EVENTS assets through the app-api and the DAPP while a WebSocket
// subscriber and a webhook receiver follow them live; each event's latency runs from its
// block's commit (the first DAPP answer naming that block) to its receipt. Then the same events
// are replayed from their first block to one subscriber, and to fifty at once, for throughput.
// Prints a table and writes bench/results/events.json at the repository root; without Fabric it
// says why and exits 1, writing nothing.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { BLOCKS_NOTIFICATION } from '@consortia/datasync/read';
import { testNetworkUnavailable } from '@consortia/network/testing';
import pg from 'pg';

import type { ReceivedBatch } from '../test/support/event-client';
import { EventClient } from '../test/support/event-client';
import { startStackApi } from '../test/support/events-stack';
import { startRealStack } from '../test/support/real-stack';
import type { TestApi } from '../test/support/stack';
import { call, login, waitUntil } from '../test/support/stack';
import { WebhookReceiver } from '../test/support/webhook-receiver';
import { waitForCatchUp } from './catch-up';
import type { Commit, EventFigures } from './events-figures';
import {
  eventsTable,
  latenciesFromBlockCommit,
  latencyStages,
  percentiles,
} from './events-figures';
import { benchOptions } from './options';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 16);
const SUBSCRIBERS = 50;
const RESULTS = path.resolve(__dirname, '..', '..', 'bench', 'results', 'events.json');
const ADMIN = { username: 'events-bench-admin', password: 'benchmark admin pass 2026' };
const log = (message: string) => process.stderr.write(`  ${message}\n`);

const round = (value: number) => Math.round(value * 10) / 10;
const load = () => round(os.loadavg()[0] ?? 0);

async function main(): Promise<number> {
  const unavailable = testNetworkUnavailable();
  if (unavailable) {
    process.stderr.write(`events benchmark needs a real Fabric network: ${unavailable}\n`);
    return 1;
  }
  const loadAtStart = load();
  const stack = await startRealStack('events-bench', ADMIN, log);
  const clients: EventClient[] = [];
  const receiver = new WebhookReceiver();
  // datasync's block notifications, as the app-api gets them: when the mirror held each block
  const notices = new pg.Client({ connectionString: stack.databases.mirrorUrl });
  let api: TestApi = stack.api;
  try {
    let base = api.base;
    const admin = await login(base, ADMIN.username, ADMIN.password);
    const owner = `events-bench-${crypto.randomBytes(3).toString('hex')}`;
    // The stack's datasync starts from block 0: once it has one write of now, it has caught up.
    // On a busy machine a write can time out on its way to Fabric: the warm-up tries again.
    const warmUpWrite = (attempt: number) =>
      call<{ blockNumber: number }>(base, 'POST', '/v1/assets', {
        token: admin.accessToken,
        body: {
          id: `${owner}-warm-up-${attempt}`,
          type: 'crate',
          ownerId: `${owner}-other`,
          attributes: {},
        },
      });
    let warmUp = await warmUpWrite(1);
    for (let attempt = 2; warmUp.status !== 201 && attempt <= 5; attempt++)
      warmUp = await warmUpWrite(attempt);
    if (warmUp.status !== 201) throw new Error(`warm-up write: ${JSON.stringify(warmUp.body)}`);
    await waitForCatchUp({
      target: warmUp.body.blockNumber,
      applied: async () => (await stack.api.service.mirror.freshness()).syncedBlock,
      ...benchOptions().catchUp,
      log,
    });
    // Webhooks go to a plain HTTP receiver on 127.0.0.1, which the app-api is told to reach.
    await receiver.start();
    await api.stop();
    api = await startStackApi(stack, {
      EVENTS_WEBHOOK_ALLOW_HTTP: 'true',
      EVENTS_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      // On a busy machine a commit can take longer than the default 30 s.
      DAPP_TIMEOUT_MS: '120000',
    });
    base = api.base;
    const from = (await api.service.mirror.freshness()).syncedBlock + 1;
    const noticed = new Map<number, number>();
    let lastNoticed = from - 1;
    notices.on('notification', (message) => {
      const notice = JSON.parse(message.payload ?? '{}') as { channel?: string; block?: number };
      if (notice.channel !== stack.network.topology.options.channel || notice.block === undefined)
        return;
      const now = Date.now();
      for (let block = lastNoticed + 1; block <= notice.block; block++) noticed.set(block, now);
      lastNoticed = Math.max(lastNoticed, notice.block);
    });
    await notices.connect();
    await notices.query(`LISTEN ${BLOCKS_NOTIFICATION}`);
    const create = async (name: string, delivery: object) => {
      const created = await call<{ id: string; webhookSecret?: string }>(
        base,
        'POST',
        '/v1/event-subscriptions',
        {
          token: admin.accessToken,
          body: {
            name,
            eventName: 'AssetCreated',
            payloadFilters: { asset: { owner: { ownerId: owner } } },
            from,
            batchSize: 100,
            batchWaitMs: 20,
            ...delivery,
          },
        },
      );
      if (created.status !== 201) throw new Error(`subscribe: ${JSON.stringify(created.body)}`);
      return created.body;
    };
    const subscribe = async (name: string, onBatch?: (batch: ReceivedBatch) => void) => {
      const created = await create(name, { delivery: 'websocket' });
      const client = new EventClient(base, created.id, {
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
    const hook = await create('webhook', { delivery: 'webhook', webhookUrl: receiver.url });
    receiver.secret = hook.webhookSecret ?? '';

    log(`writing ${EVENTS} assets, ${WRITERS} at a time, while a subscriber and a webhook follow`);
    const commits: Commit[] = [];
    let next = 0;
    let failed = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (next < EVENTS) {
          const index = next++;
          // A connection cut on a busy machine counts as a write not answered.
          const answer = await call<{ txId: string; blockNumber: number }>(
            base,
            'POST',
            '/v1/assets',
            {
              token: admin.accessToken,
              body: {
                id: `${owner}-${index}`,
                type: 'crate',
                ownerId: owner,
                attributes: { index },
              },
            },
          ).catch((error: unknown) => ({ status: 503, body: { error: String(error) } }));
          if ((answer.status === 503 || answer.status === 504) && failed++ < EVENTS / 20) {
            // Not known to be committed (a timeout, or the DAPP's connection lost on the way),
            // so not measured; its event, if it comes, is not missed.
            log(`write ${index} not answered in time: left out`);
            continue;
          }
          if (answer.status !== 201 || !('txId' in answer.body)) {
            throw new Error(`write: ${JSON.stringify(answer.body)}`);
          }
          commits.push({ txId: answer.body.txId, block: answer.body.blockNumber, at: Date.now() });
        }
      }),
    );
    const hooked = () => {
      const at = new Map<string, number>();
      for (const delivery of receiver.deliveries)
        for (const event of delivery.events)
          if (delivery.verified && !at.has(event.txId)) at.set(event.txId, delivery.at);
      return at;
    };
    const all = (got: ReadonlyMap<string, number>) => commits.every(({ txId }) => got.has(txId));
    await waitUntil('every event live', async () => all(received), 300_000);
    await waitUntil('every event at the webhook', async () => all(hooked()), 300_000);
    const overSocket = latenciesFromBlockCommit(commits, received);
    const overWebhook = latenciesFromBlockCommit(commits, hooked());
    const stages = latencyStages(commits, noticed, received);

    const replay = async (count: number) => {
      const readers = await Promise.all(
        Array.from({ length: count }, (_, i) => subscribe(`replay-${count}-${i}`)),
      );
      const started = Date.now();
      for (const reader of readers) reader.start();
      const done = (reader: EventClient) => {
        const got = new Set(reader.events.map((event) => event.txId));
        return commits.every(({ txId }) => got.has(txId));
      };
      await waitUntil(`${count} replays`, async () => readers.every(done), 600_000);
      const seconds = (Date.now() - started) / 1000;
      const missed = readers.reduce((sum, reader) => {
        const got = new Set(reader.events.map((event) => event.txId));
        return sum + commits.filter(({ txId }) => !got.has(txId)).length;
      }, 0);
      for (const reader of readers) reader.stop();
      return { perSecond: round((count * commits.length) / seconds), missed };
    };
    log('replaying to one subscriber, then to fifty');
    const one = await replay(1);
    const fifty = await replay(SUBSCRIBERS);
    const figures: EventFigures = {
      events: commits.length,
      latencyMs: percentiles(overSocket.latencies),
      stagesMs: { commitToMirrored: stages.mirrored, mirroredToReceipt: stages.delivered },
      webhook: { latencyMs: percentiles(overWebhook.latencies), missed: overWebhook.missed },
      eventsPerSec: { oneSubscriber: one.perSecond, fiftySubscribers: fifty.perSecond },
      missed: overSocket.missed + overWebhook.missed + one.missed + fifty.missed,
      machine: { cpus: os.cpus().length, loadAverage1m: { start: loadAtStart, end: load() } },
    };
    const output = {
      measuredAt: new Date().toISOString(),
      ...figures,
      notes:
        'latency: from the commit of each event’s block (the first DAPP answer naming that block) to the live WebSocket subscriber receiving the event, or the webhook receiver getting its signed POST (woken by block notifications, batchSize 100, batchWaitMs 20); stagesMs: the WebSocket latency split at datasync’s block notification (LISTEN on the mirror), commit → mirrored and mirrored → receipt; throughput: replay of the same events from their first block, all subscribers together; machine: the 1-minute load average when the run started and ended (a busy machine raises latency and lowers throughput)',
    };
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, `${JSON.stringify(output, null, 2)}\n`);
    process.stdout.write(
      `\nevent streams: ${EVENTS} events, ${figures.machine.cpus} CPUs, load ${loadAtStart} → ${figures.machine.loadAverage1m.end}\n\n` +
        `${eventsTable(figures)}\n\nwritten to ${path.relative(process.cwd(), RESULTS)}\n`,
    );
    return output.missed === 0 ? 0 : 1;
  } finally {
    for (const client of clients) client.stop();
    await receiver.stop();
    await notices.end().catch(() => undefined);
    if (api !== stack.api) await api.stop();
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
