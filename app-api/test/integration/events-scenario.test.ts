// SPDX-License-Identifier: Apache-2.0
// The event streams' promise on the real network: a member writes EVENTS_SCENARIO_TRANSACTIONS
// assets (60 by default; 500 for the full scenario), then subscribes from block 0 with a signed
// HTTPS webhook. The receiver gets every earlier event in ledger order, then the live ones,
// while the receiver is killed and started again, datasync and the app-api (its delivery loop
// with it) are restarted, and an app-api process delivering them is killed with SIGKILL; it
// ends with every event, in order, repeated only under the same event id.
// Skipped, with the reason, where Fabric cannot run.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { waitForCatchUp } from '../../bench/catch-up';
import type { StreamEvent } from '../../src/events/model';
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
import { call, tempDir, waitUntil } from '../support/stack';
import { localhostCertificate, WebhookReceiver } from '../support/webhook-receiver';

const ADMIN = { username: 'scenario-admin', password: 'scenario admin pass 2026' };
const PASSWORD = 'scenario user pass 2026';
const TRANSACTIONS = Number(process.env.EVENTS_SCENARIO_TRANSACTIONS ?? 60);
/** Writes in flight at once. */
const PARALLEL = 12;
/** The fresh mirror catches up with the whole shared ledger; it fails only when it stalls. */
const STALL_SEC = Number(process.env.EVENTS_SCENARIO_STALL_SEC ?? 120);

describe('event streams: every event from block 0, then live ones, across restarts (real network)', function () {
  this.timeout(1_800_000);
  const run = crypto.randomBytes(3).toString('hex');
  const memberName = `scenario-${run}`;
  const receiver = new WebhookReceiver();

  const real = memberStack('events-scenario', ADMIN, memberName, PASSWORD, () => receiver.stop());

  const write = (first: number, count: number) =>
    createAssets(() => real.api, real.member, `SCENARIO-${run}`, first, count, PARALLEL);

  it(`delivers ${TRANSACTIONS} earlier events from block 0 in order, then live ones, while the receiver, datasync and the app-api restart and an app-api process is killed`, async function () {
    const started = Date.now();
    const history = await write(0, TRANSACTIONS);
    log(`${TRANSACTIONS} assets written in ${Date.now() - started} ms`);

    // The receiver: HTTPS on 127.0.0.1 with its own CA, which the app-api is told to trust and
    // to reach. Short backoffs and enough attempts that a receiver down for seconds is retried,
    // not parked.
    const certificate = localhostCertificate(tempDir('events-scenario-receiver'));
    await receiver.start(certificate);
    const port = Number(new URL(receiver.url).port);
    const settings = {
      EVENTS_WEBHOOK_CA_FILE: certificate.cert,
      EVENTS_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      EVENTS_WEBHOOK_BACKOFF_MS: '200',
      EVENTS_WEBHOOK_MAX_BACKOFF_MS: '1000',
      EVENTS_WEBHOOK_MAX_ATTEMPTS: '100',
      EVENTS_WEBHOOK_TIMEOUT_MS: '5000',
      // A write's commit can take longer than the default 30 s on a busy machine.
      DAPP_TIMEOUT_MS: '120000',
    };
    await real.api.stop();
    real.api = await startStackApi(real.stack, settings);
    // the third batch of the history (batches of 10), however fast the first ones come
    receiver.dropAt = Math.min(2, Math.ceil(TRANSACTIONS / 10) - 1);
    const subscribed = await call<{ id: string; webhookSecret: string }>(
      real.api.base,
      'POST',
      '/v1/event-subscriptions',
      {
        token: real.member.accessToken,
        body: {
          name: 'back office',
          ...ownAssetsCreated(memberName),
          from: 'oldest',
          delivery: 'webhook',
          webhookUrl: receiver.url,
          batchSize: 10,
          batchWaitMs: 100,
        },
      },
    );
    assert.equal(subscribed.status, 201, JSON.stringify(subscribed.body));
    receiver.secret = subscribed.body.webhookSecret;
    const received = () => firstReceipts(receiver.accepted).length;
    const subscription = async () =>
      (
        await call<{ state: string; stateReason: string | null; lastError: string | null }>(
          real.api.base,
          'GET',
          `/v1/event-subscriptions/${subscribed.body.id}`,
          { token: real.member.accessToken },
        )
      ).body;

    // The app-api's mirror started from block 0 of a channel every suite writes to: on a long
    // ledger and a busy machine it takes minutes to reach the history, so the wait lasts as
    // long as it keeps applying blocks.
    await waitForCatchUp({
      target: Math.max(...history.map((commit) => commit.blockNumber)),
      applied: async () => (await real.api.service.mirror.freshness()).syncedBlock,
      stallSec: STALL_SEC,
      maxSec: 1_500,
      progressSec: 30,
      log,
      settings: { stall: 'EVENTS_SCENARIO_STALL_SEC', overall: 'the test timeout' },
    });

    // The receiver dies in the middle of the history: it takes a batch and is killed before
    // answering, stays down while live events are written, and comes back on the same port.
    await waitUntil(
      'a batch taken without an answer',
      async () => {
        if (receiver.deliveries.some((delivery) => delivery.dropped)) return true;
        const current = await subscription();
        // A parked or paused subscription would never deliver it: the timeout then says why.
        assert.equal(current.state, 'active', JSON.stringify(current));
        return false;
      },
      300_000,
    );
    await receiver.stop();
    const downSince = receiver.deliveries.length;
    const live: Committed[] = await write(TRANSACTIONS, PARALLEL);
    await waitUntil('a failed attempt while the receiver is down', async () =>
      /ECONNREFUSED/.test((await subscription()).lastError ?? ''),
    );
    await receiver.start(certificate, port);
    log(`receiver down for ${live.length} live writes; ${received()} events before`);

    // datasync and the app-api stop and start again while more live events are written: the
    // mirror goes on after its last block, webhook delivery from the subscription's checkpoint.
    await waitUntil('delivery after the receiver restart', async () =>
      receiver.deliveries.slice(downSince).some((delivery) => delivery.status === 200),
    );
    const writing = write(TRANSACTIONS + PARALLEL, PARALLEL);
    const restarting = Date.now();
    await real.stack.restartDatasync();
    await real.api.stop();
    real.api = await startStackApi(real.stack, settings);
    live.push(...(await writing));
    log(`datasync and the app-api restarted in ${Date.now() - restarting} ms`);

    // The app-api killed outright while events flow: live events wait for delivery (the
    // subscription paused meanwhile), an app-api process of its own resumes it, and is sent
    // SIGKILL once it has posted; the receiver takes its POSTs without answering. It dies
    // holding the subscription's lease with nothing acknowledged; the next app-api delivers
    // from the checkpoint once the lease expires.
    const state = (api: string, change: 'pause' | 'resume') =>
      call(api, 'POST', `/v1/event-subscriptions/${subscribed.body.id}/${change}`, {
        token: real.member.accessToken,
      });
    assert.equal((await state(real.api.base, 'pause')).status, 200);
    live.push(...(await write(TRANSACTIONS + 2 * PARALLEL, 2 * PARALLEL)));
    await real.api.stop();
    const beforeKill = receiver.deliveries.length;
    receiver.dropNext = Number.MAX_SAFE_INTEGER;
    const killed = await spawnStackApi(real.stack, settings);
    try {
      assert.equal((await state(killed.base, 'resume')).status, 200);
      await waitUntil(
        'a POST by the app-api process',
        async () => receiver.deliveries.length > beforeKill,
        300_000,
      );
    } finally {
      await killed.kill();
      receiver.dropNext = 0;
    }
    const killedAt = Date.now();
    const atKill = receiver.deliveries.length;
    real.api = await startStackApi(real.stack, settings);
    await waitUntil(
      'delivery after the kill',
      async () => receiver.deliveries.slice(atKill).some((d) => d.status === 200 && !d.dropped),
      120_000,
    );
    log(
      `the app-api process killed (SIGKILL) with its POSTs unanswered; delivery again ${Date.now() - killedAt} ms later`,
    );

    const expected = [...history, ...live].map((commit) => commit.txId);
    await waitUntil(
      'every event at the receiver',
      async () => received() >= expected.length,
      Math.max(120_000, TRANSACTIONS * 2_000),
    );

    const events = firstReceipts(receiver.accepted);
    assert.deepEqual(
      new Set(events.map((event) => event.txId)),
      new Set(expected),
      'every event, none foreign',
    );
    assert.equal(events.length, expected.length, 'one event per write');
    assert.ok(inLedgerOrder(events), 'in ledger order');
    // At least once: an event may come again, but only as itself, under the same id.
    const byId = new Map<string, StreamEvent>();
    for (const event of receiver.accepted) {
      const first = byId.get(event.id);
      if (first) assert.deepEqual(event, first, `${event.id} repeated as itself`);
      else byId.set(event.id, event);
    }
    assert.equal(
      new Set(receiver.accepted.map((event) => event.txId)).size,
      byId.size,
      'one id per event',
    );
    assert.ok(
      receiver.accepted.length > events.length,
      'the batch taken without an answer came again',
    );
    assert.ok(
      receiver.deliveries.every(
        (delivery) => delivery.verified && !delivery.verifiedWithWrongSecret,
      ),
      'every signature verifies, and not with a wrong secret',
    );
    // The checkpoint moves once the last batch's acknowledgement is recorded.
    const last = events.at(-1)?.blockNumber;
    await waitUntil('the checkpoint at the last event', async () => {
      const subscription = await call<{ state: string; checkpoint: { block: number } }>(
        real.api.base,
        'GET',
        `/v1/event-subscriptions/${subscribed.body.id}`,
        { token: real.member.accessToken },
      );
      return subscription.body.state === 'active' && subscription.body.checkpoint.block === last;
    });
    log(
      `${expected.length} events (${TRANSACTIONS} earlier, ${live.length} live) in ${receiver.deliveries.length} POSTs, ${receiver.accepted.length - events.length} repeated, ${Date.now() - started} ms in all`,
    );
  });
});
