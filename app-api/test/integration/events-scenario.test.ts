// SPDX-License-Identifier: Apache-2.0
// The event streams' promise on the real network, with each part a process of its own that is
// killed with SIGKILL while events flow. A member writes EVENTS_SCENARIO_TRANSACTIONS assets
// (30 by default, as `npm test` runs it; 500 with `npm run test:events`), then subscribes from
// block 0 twice: a signed HTTPS webhook and a WebSocket stream, both served by one receiver
// process that appends every event it gets to a file before answering or acknowledging. The
// receiver kills itself in the middle of the history and is killed again later, datasync (a
// `run` process on the stack's mirror) is killed while live blocks are written, and an app-api
// process is killed while it delivers. At the end each file holds every event, in ledger
// order, repeated only under the same id. Skipped, with the reason, where Fabric cannot run.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { waitForCatchUp } from '../../bench/catch-up';
import type { StreamEvent } from '../../src/events/model';
import type { Child } from '../support/events-processes';
import { spawnDatasync, spawnReceiver } from '../support/events-processes';
import type { Committed } from '../support/events-stack';
import {
  createAssets,
  firstReceipts,
  inLedgerOrder,
  log,
  memberStack,
  ownAssetsCreated,
  spawnStackApi,
  startStackApi,
} from '../support/events-stack';
import { call, freePort, login, tempDir, waitUntil } from '../support/stack';
import { localhostCertificate } from '../support/webhook-receiver';

const ADMIN = { username: 'scenario-admin', password: 'scenario admin pass 2026' };
const PASSWORD = 'scenario user pass 2026';
const TRANSACTIONS = Number(process.env.EVENTS_SCENARIO_TRANSACTIONS ?? 30);
/** Writes in flight at once, and the size of each live wave. */
const PARALLEL = 12;
/** Writes in flight at once while the history is written. */
const HISTORY_PARALLEL = Number(process.env.EVENTS_SCENARIO_PARALLEL ?? PARALLEL);
/** The fresh mirror catches up with the whole shared ledger; it fails only when it stalls. */
const STALL_SEC = Number(process.env.EVENTS_SCENARIO_STALL_SEC ?? 120);
/** The receiver kills itself after storing this many batches (of either transport). */
const RECEIVER_DIES_AFTER = 3;

/** The events a receiver file holds, in the order they were stored. */
const stored = (file: string): StreamEvent[] =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as StreamEvent)
    : [];

describe('event streams: every event from block 0, then live ones, while the app-api, datasync and the receiver are killed (real network, separate processes)', function () {
  this.timeout(3_600_000);
  const run = crypto.randomBytes(3).toString('hex');
  const memberName = `scenario-${run}`;
  const children = new Set<Child>();
  const own = async <T extends Child>(started: Promise<T>): Promise<T> => {
    const child = await started;
    children.add(child);
    return child;
  };
  const kill = async (child: Child) => {
    await child.kill();
    children.delete(child);
    return child.exited;
  };

  const real = memberStack('events-scenario', ADMIN, memberName, PASSWORD, async () => {
    for (const child of children) await child.kill();
  });

  it(`delivers ${TRANSACTIONS} earlier events from block 0 in order, then live ones, over a webhook and a WebSocket, across SIGKILLs of the receiver, datasync and the app-api`, async function () {
    const started = Date.now();
    const dir = tempDir('events-scenario-receiver');
    const certificate = localhostCertificate(dir);
    const files = {
      webhook: path.join(dir, 'webhook.jsonl'),
      websocket: path.join(dir, 'websocket.jsonl'),
    };
    const webhookPort = await freePort();
    // Every app-api of the scenario listens here, so the receiver's stream reconnects to it.
    const apiPort = await freePort();
    const apiBase = `http://127.0.0.1:${apiPort}`;
    const settings = {
      PORT: String(apiPort),
      EVENTS_WEBHOOK_CA_FILE: certificate.cert,
      EVENTS_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      // Short backoffs and enough attempts that a receiver down for seconds is retried, not parked.
      EVENTS_WEBHOOK_BACKOFF_MS: '200',
      EVENTS_WEBHOOK_MAX_BACKOFF_MS: '1000',
      EVENTS_WEBHOOK_MAX_ATTEMPTS: '100',
      EVENTS_WEBHOOK_TIMEOUT_MS: '5000',
      // The receiver's token outlives the scenario.
      APP_API_ACCESS_TOKEN_TTL_S: '86400',
      // A write's commit can take longer than the default 30 s on a busy machine.
      DAPP_TIMEOUT_MS: '120000',
    };

    // datasync as a process of its own from here on, and the app-api with the scenario's settings.
    const datasync = await own(spawnDatasync(real.stack));
    await real.api.stop();
    real.api = await startStackApi(real.stack, settings);
    real.member = await login(apiBase, memberName, PASSWORD);
    const write = (first: number, count: number, parallel = PARALLEL) =>
      createAssets(
        () => ({ base: apiBase }),
        real.member,
        `SCENARIO-${run}`,
        first,
        count,
        parallel,
      );
    const head = async () => (await real.api.service.mirror.freshness()).syncedBlock;

    const history = await write(0, TRANSACTIONS, HISTORY_PARALLEL);
    log(`${TRANSACTIONS} assets written in ${Date.now() - started} ms`);
    const subscribe = async (delivery: object) => {
      const created = await call<{ id: string; webhookSecret?: string }>(
        apiBase,
        'POST',
        '/v1/event-subscriptions',
        {
          token: real.member.accessToken,
          body: {
            name: `back office ${JSON.stringify(delivery).length}`,
            ...ownAssetsCreated(memberName),
            from: 0,
            batchSize: 10,
            batchWaitMs: 100,
            ...delivery,
          },
        },
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body;
    };
    const hook = await subscribe({
      delivery: 'webhook',
      webhookUrl: `https://127.0.0.1:${webhookPort}/hook`,
    });
    const stream = await subscribe({ delivery: 'websocket' });
    const receiverSettings = {
      api: apiBase,
      token: real.member.accessToken,
      subscription: stream.id,
      webhookPort,
      webhookSecret: hook.webhookSecret ?? '',
      certificate,
      files,
    };
    const subscription = async (id: string) =>
      (
        await call<{ state: string; lastError: string | null; checkpoint: { block: number } }>(
          apiBase,
          'GET',
          `/v1/event-subscriptions/${id}`,
          { token: real.member.accessToken },
        )
      ).body;
    const storedCount = () => stored(files.webhook).length + stored(files.websocket).length;

    // 1. The receiver dies by its own SIGKILL in the middle of the history, after storing a
    // batch it has not yet answered or acknowledged; live events are written while it is down.
    let receiver = await own(
      spawnReceiver({ ...receiverSettings, dieAfterBatches: RECEIVER_DIES_AFTER }),
    );
    // The app-api's mirror started from block 0 of a channel every suite writes to: the wait
    // lasts as long as it keeps applying blocks.
    await waitForCatchUp({
      target: Math.max(...history.map((commit) => commit.blockNumber)),
      applied: head,
      stallSec: STALL_SEC,
      maxSec: 1_500,
      progressSec: 30,
      log,
      settings: { stall: 'EVENTS_SCENARIO_STALL_SEC', overall: 'the test timeout' },
    });
    const died = await receiver.exited;
    children.delete(receiver);
    assert.equal(died.signal, 'SIGKILL', `the receiver died by SIGKILL: ${receiver.errors()}`);
    const live: Committed[] = await write(TRANSACTIONS, PARALLEL);
    await waitUntil('a failed POST while the receiver is down', async () =>
      /ECONNREFUSED/.test((await subscription(hook.id)).lastError ?? ''),
    );
    receiver = await own(spawnReceiver(receiverSettings));
    log(`receiver killed itself after ${storedCount()} stored events; restarted`);

    // 2. datasync is killed while live blocks come: the mirror stands still while it is dead,
    // and the next process goes on after its last block.
    const mirrored = await head();
    const writing = write(TRANSACTIONS + PARALLEL, PARALLEL);
    await waitUntil('a live block mirrored', async () => (await head()) > mirrored, 300_000);
    assert.equal((await kill(datasync)).signal, 'SIGKILL');
    // a COMMIT it had sent just before dying lands now or never
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const frozen = await head();
    live.push(...(await writing));
    assert.equal(await head(), frozen, 'no block mirrored while datasync is dead');
    // left running until the end (the suite's cleanup stops every child)
    await own(spawnDatasync(real.stack));
    const lastLive = Math.max(...live.map((commit) => commit.blockNumber));
    await waitUntil(
      'the restarted datasync to mirror the live blocks',
      async () => (await head()) >= lastLive,
      300_000,
    );
    log(
      `datasync killed at block ${frozen} with live writes under way; its successor reached ${lastLive}`,
    );

    // 3. The receiver is killed from outside while batches of both transports arrive.
    const beforeWave = storedCount();
    const wave = write(TRANSACTIONS + 2 * PARALLEL, PARALLEL);
    await waitUntil('receipts of the new wave', async () => storedCount() > beforeWave, 300_000);
    assert.equal((await kill(receiver)).signal, 'SIGKILL');
    live.push(...(await wave));
    await own(spawnReceiver(receiverSettings));
    log(`receiver killed with ${storedCount() - beforeWave} events of the wave stored; restarted`);

    // 4. An app-api process is killed while it delivers: events wait (both subscriptions
    // paused), a separate app-api process resumes them and is sent SIGKILL as soon as the
    // receiver stores something from it. It dies holding the webhook's lease and an
    // unacknowledged stream; the next app-api delivers from the checkpoints.
    const state = (id: string, change: 'pause' | 'resume') =>
      call(apiBase, 'POST', `/v1/event-subscriptions/${id}/${change}`, {
        token: real.member.accessToken,
      });
    for (const id of [hook.id, stream.id]) assert.equal((await state(id, 'pause')).status, 200);
    live.push(...(await write(TRANSACTIONS + 3 * PARALLEL, 2 * PARALLEL)));
    await real.api.stop();
    const api = await own(spawnStackApi(real.stack, settings));
    const beforeResume = storedCount();
    for (const id of [hook.id, stream.id]) assert.equal((await state(id, 'resume')).status, 200);
    await waitUntil(
      'delivery by the app-api process',
      async () => storedCount() > beforeResume,
      300_000,
    );
    assert.equal((await kill(api)).signal, 'SIGKILL');
    const killedAt = Date.now();
    real.api = await startStackApi(real.stack, settings);
    const afterKill = storedCount();
    await waitUntil('delivery after the kill', async () => storedCount() > afterKill, 120_000);
    log(
      `app-api process killed while delivering; delivery again ${Date.now() - killedAt} ms later`,
    );

    // Every event in both files, in ledger order, repeated only as itself.
    const expected = new Set([...history, ...live].map((commit) => commit.txId));
    let duplicates = 0;
    for (const [transport, file] of Object.entries(files)) {
      await waitUntil(
        `every event over the ${transport}`,
        async () => firstReceipts(stored(file)).length >= expected.size,
        Math.max(120_000, TRANSACTIONS * 2_000),
      );
      const all = stored(file);
      const events = firstReceipts(all);
      assert.deepEqual(
        new Set(events.map((event) => event.txId)),
        expected,
        `${transport}: every event, none foreign`,
      );
      assert.equal(events.length, expected.size, `${transport}: one event per write`);
      assert.ok(inLedgerOrder(events), `${transport}: in ledger order`);
      const byId = new Map<string, StreamEvent>();
      for (const event of all) {
        const first = byId.get(event.id);
        if (first) assert.deepEqual(event, first, `${transport}: ${event.id} repeated as itself`);
        else byId.set(event.id, event);
      }
      assert.equal(byId.size, expected.size, `${transport}: one id per event`);
      duplicates += all.length - events.length;
      log(`${transport}: ${events.length} events, ${all.length - events.length} repeated`);
    }
    assert.ok(duplicates > 0, 'the batch stored but not answered before the first kill came again');
    // The checkpoints move once the last batches' acknowledgements are recorded.
    const lastBlock = Math.max(...[...history, ...live].map((commit) => commit.blockNumber));
    for (const id of [hook.id, stream.id])
      await waitUntil('the checkpoint at the last event', async () => {
        const current = await subscription(id);
        return current.state === 'active' && current.checkpoint.block === lastBlock;
      });
    log(
      `${expected.size} events (${TRANSACTIONS} earlier, ${live.length} live) over each transport, ${Date.now() - started} ms in all`,
    );
  });
});
