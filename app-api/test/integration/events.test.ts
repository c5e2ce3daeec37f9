// SPDX-License-Identifier: Apache-2.0
// Event streams over real components without Fabric: a real embedded PostgreSQL, the real
// datasync mirroring constructed blocks of chaincode events, the app-api serving subscriptions,
// WebSocket streams and webhooks, restarted while a client reads.
import assert from 'node:assert/strict';

import { ReplayBlockSource } from '@consortia/datasync/testing';

import type { StreamEvent } from '../../src/events/model';
import {
  documentedOperations,
  eachOperationAnswersItsSchema,
  EVENT_OPERATIONS,
} from '../support/documented';
import { EventClient } from '../support/event-client';
import { EventLedger } from '../support/event-ledger';
import type { LoggedIn, MirroredApi, TestApi } from '../support/stack';
import { call, login, startMirroredApi, TEST_ADMIN, waitUntil } from '../support/stack';
import { WebhookReceiver } from '../support/webhook-receiver';

const PASSWORD = 'portal user pass 2026';

interface Subscription {
  id: string;
  state: string;
  stateReason: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  checkpoint: { block: number; txIndex: number; eventIndex: number };
  webhookSecret?: string;
}

/** The ids a member (no `transactions:read`) may receive from `from` to `to`, in order. */
const memberIds = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i).flatMap((block) => [
    `consortium:${block}:0:0`,
    `consortium:${block}:1:0`,
  ]);

/** Receipt order with redeliveries removed: each id once, where first received. */
const firstReceipts = (events: StreamEvent[]) => [...new Set(events.map((event) => event.id))];

describe('event streams over real Postgres and a real datasync mirror', function () {
  this.timeout(120_000);
  let stack: MirroredApi;
  let source: ReplayBlockSource;
  const ledger = new EventLedger();
  let api: TestApi;
  let member: LoggedIn;
  let other: LoggedIn;
  let auditor: LoggedIn;
  let operator: LoggedIn;
  const clients: EventClient[] = [];
  const receivers: WebhookReceiver[] = [];

  const append = async (count: number) => {
    for (let i = 0; i < count; i++) source.append(ledger.next());
    await waitUntil(
      'the mirror to apply the new blocks',
      async () => (await api.service.mirror.freshness()).syncedBlock === ledger.lastBlock,
    );
  };

  const subscribe = async (session: LoggedIn, body: Record<string, unknown>) => {
    const created = await call<Subscription>(api.base, 'POST', '/v1/event-subscriptions', {
      token: session.accessToken,
      body,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  };

  const subscription = async (session: LoggedIn, id: string) =>
    (
      await call<Subscription>(api.base, 'GET', `/v1/event-subscriptions/${id}`, {
        token: session.accessToken,
      })
    ).body;

  before(async function () {
    for (let i = 0; i < 8; i++) ledger.next();
    source = new ReplayBlockSource(ledger.blocks);
    const overrides = {
      // Live deliveries wake on datasync's block notifications; the poll is only a fallback.
      EVENTS_POLL_MS: '60000',
      EVENTS_BATCH_SIZE: '5',
      EVENTS_BATCH_WAIT_MS: '50',
      EVENTS_ACK_TIMEOUT_MS: '1500',
      EVENTS_WS_PING_MS: '1000',
      EVENTS_WEBHOOK_MAX_ATTEMPTS: '4',
      EVENTS_WEBHOOK_BACKOFF_MS: '50',
      EVENTS_WEBHOOK_ALLOW_HTTP: 'true',
      // The test's receivers listen on 127.0.0.1; nothing else private is allowed.
      EVENTS_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      RATE_LIMIT_PER_USER: '100000',
    };
    stack = await startMirroredApi('events', source, {
      overrides,
      syncedBlock: ledger.lastBlock,
    });
    ({ api } = stack);
    const admin = await login(api.base, TEST_ADMIN.username, TEST_ADMIN.password);
    const user = async (username: string, role: string) => {
      const created = await call(api.base, 'POST', '/v1/users', {
        token: admin.accessToken,
        body: { username, password: PASSWORD, roles: [role] },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return login(api.base, username, PASSWORD);
    };
    member = await user('member-one', 'member');
    other = await user('member-two', 'member');
    auditor = await user('auditor-one', 'auditor');
    operator = await user('operator-one', 'operator');
  });

  after(async function () {
    for (const client of clients) client.stop();
    for (const receiver of receivers) await receiver.stop();
    await stack?.stop();
  });

  it('manages subscriptions: create, list, pause, resume, delete; each owner sees only theirs', async function () {
    const created = await subscribe(member, {
      name: 'transfers',
      eventName: 'AssetTransferred',
      delivery: 'websocket',
    });
    // `newest` starts after the mirror's last block.
    assert.deepEqual(created.checkpoint, {
      block: ledger.lastBlock + 1,
      txIndex: -1,
      eventIndex: -1,
    });
    const listed = await call<{ items: { id: string }[] }>(
      api.base,
      'GET',
      '/v1/event-subscriptions',
      {
        token: member.accessToken,
      },
    );
    assert.deepEqual(
      listed.body.items.map((item) => item.id),
      [created.id],
    );
    const othersList = await call<{ items: unknown[] }>(
      api.base,
      'GET',
      '/v1/event-subscriptions',
      {
        token: other.accessToken,
      },
    );
    assert.deepEqual(othersList.body.items, []);
    const path = `/v1/event-subscriptions/${created.id}`;
    assert.equal((await call(api.base, 'GET', path, { token: other.accessToken })).status, 404);
    // An operator manages every subscription (events:read:any); an auditor only their own.
    assert.equal((await call(api.base, 'GET', path, { token: operator.accessToken })).status, 200);
    assert.equal((await call(api.base, 'GET', path, { token: auditor.accessToken })).status, 404);
    const paused = await call<Subscription>(api.base, 'POST', `${path}/pause`, {
      token: member.accessToken,
    });
    assert.equal(paused.body.state, 'paused');
    const resumed = await call<Subscription>(api.base, 'POST', `${path}/resume`, {
      token: member.accessToken,
    });
    assert.equal(resumed.body.state, 'active');
    const organization = await call(api.base, 'POST', '/v1/event-subscriptions', {
      token: member.accessToken,
      body: { name: 'org', owner: 'organization', eventName: '*', delivery: 'websocket' },
    });
    assert.equal(organization.status, 403);
    const badHook = await call(api.base, 'POST', '/v1/event-subscriptions', {
      token: member.accessToken,
      body: { name: 'ftp', eventName: '*', delivery: 'webhook', webhookUrl: 'ftp://127.0.0.1/x' },
    });
    assert.equal(badHook.status, 422);
    // Receivers on loopback (but the allowed 127.0.0.1), link-local (cloud metadata), private …
    // addresses are refused, naming the rule and the setting that allows them.
    for (const [url, rule] of [
      ['http://169.254.169.254/latest/meta-data', 'link-local'],
      ['http://10.0.0.7:8080/hook', 'private'],
      ['http://[fd00::7]/hook', 'private'],
      ['http://127.0.0.2:9/hook', 'loopback'],
      ['http://0.0.0.0:9/hook', 'unspecified'],
      ['http://224.0.0.1/hook', 'multicast'],
    ]) {
      const refused = await call<{ error: { code: string; message: string } }>(
        api.base,
        'POST',
        '/v1/event-subscriptions',
        {
          token: member.accessToken,
          body: { name: 'internal', eventName: '*', delivery: 'webhook', webhookUrl: url },
        },
      );
      assert.equal(refused.status, 400, url);
      assert.equal(refused.body.error.code, 'WEBHOOK_ADDRESS_REFUSED', url);
      assert.match(
        refused.body.error.message,
        new RegExp(
          `is a ${rule} address; set EVENTS_WEBHOOK_ALLOW_PRIVATE=true or add it to EVENTS_WEBHOOK_ALLOWED_HOSTS`,
        ),
        url,
      );
    }
    assert.equal((await call(api.base, 'DELETE', path, { token: member.accessToken })).status, 204);
    assert.equal((await call(api.base, 'GET', path, { token: member.accessToken })).status, 404);
  });

  it('streams every event from block N in ledger order over WebSocket, across restarts of the app-api, datasync and the client', async function () {
    const from = 3;
    const created = await subscribe(member, {
      name: 'everything',
      eventName: '*',
      from,
      delivery: 'websocket',
      batchSize: 3,
    });
    const client = new EventClient(api.base, created.id, { token: () => member.accessToken });
    clients.push(client);
    client.start();
    await append(4);
    await waitUntil('the first events', async () => client.events.length >= 6);
    // Restart while blocks keep coming: the client reconnects to the new process.
    const appending = append(6);
    api = await stack.restartApi();
    client.retarget(api.base);
    await appending;
    await append(3);
    // datasync stops and starts again: the stream waits for the mirror, then goes on.
    await stack.restartMirror();
    await append(2);
    // The receiving process stops; another one takes the subscription from its checkpoint.
    await waitUntil('the events so far', async () => client.events.length > 0);
    client.stop();
    const successor = new EventClient(api.base, created.id, { token: () => member.accessToken });
    clients.push(successor);
    successor.start();
    await append(2);
    const expected = memberIds(from, ledger.lastBlock);
    const received = () => [...client.events, ...successor.events];
    await waitUntil('every event', async () => firstReceipts(received()).length >= expected.length);
    assert.deepEqual(firstReceipts(received()), expected, 'each event, in ledger order');
    assert.ok(client.connections >= 2, 'the client reconnected');
    assert.ok(
      client.closes.some((close) => close.code === 1012),
      'told the service restarts',
    );
    // At least once: an event comes again only in a batch redelivered on a new connection, with
    // the same id; one connection never repeats an event.
    for (const reader of [client, successor]) {
      for (const connection of new Set(reader.batches.map((batch) => batch.connection))) {
        const ids = reader.batches
          .filter((batch) => batch.connection === connection)
          .flatMap((batch) => batch.events.map((event) => event.id));
        assert.equal(new Set(ids).size, ids.length, 'one connection never repeats an event');
      }
    }
    // A new block's events leave as soon as datasync has applied it, not at the next poll.
    for (let round = 0; round < 3; round++) {
      const count = successor.events.length;
      await append(1);
      const applied = Date.now();
      await waitUntil('the new block’s events', async () => successor.events.length >= count + 2);
      assert.ok(
        Date.now() - applied < 1_500,
        `delivered ${Date.now() - applied} ms after the block`,
      );
    }
    // The member's role does not read raw transaction events: none was delivered.
    assert.ok(received().every((event) => event.eventName !== 'ConsortiumNoticed'));
    const after = await subscription(member, created.id);
    // Past the last block's event the member may not read, too.
    assert.deepEqual(after.checkpoint, { block: ledger.lastBlock, txIndex: 2, eventIndex: 0 });
  });

  it('pauses a client that stops acknowledging without dropping it; others keep receiving', async function () {
    const slow = await subscribe(member, {
      name: 'slow',
      eventName: 'Asset*',
      from: 1,
      delivery: 'websocket',
    });
    const fast = await subscribe(other, {
      name: 'fast',
      eventName: 'TokensTransferred',
      from: 1,
      payloadFilters: { to: 'Org1MSP' },
      delivery: 'websocket',
    });
    const slowClient = new EventClient(api.base, slow.id, {
      token: () => member.accessToken,
      acknowledge: () => false,
    });
    const fastClient = new EventClient(api.base, fast.id, { token: () => other.accessToken });
    clients.push(slowClient, fastClient);
    slowClient.start();
    fastClient.start();
    await waitUntil('the slow client to be paused', async () =>
      slowClient.messages.some((message) => message.type === 'paused'),
    );
    const paused = await subscription(member, slow.id);
    assert.equal(paused.state, 'paused');
    assert.equal(paused.stateReason, 'ACK_TIMEOUT');
    assert.match(
      paused.lastError ?? '',
      /^batch \S+ \(\d+ events, sent 1 time\) was not acknowledged within 1500 ms$/,
    );
    assert.ok(paused.lastErrorAt);
    assert.equal(slowClient.connections, 1, 'not dropped');
    assert.equal(slowClient.batches.length, 1, 'no second batch before the first is acknowledged');
    await waitUntil(
      'the other client to receive all',
      async () => firstReceipts(fastClient.events).length === ledger.lastBlock,
    );
    // A late acknowledgement continues the stream.
    slowClient.send({ type: 'ack', batchId: slowClient.batches[0]?.batchId });
    await waitUntil('the next batch', async () => slowClient.batches.length >= 2);
    const resumed = await subscription(member, slow.id);
    assert.equal(resumed.state, 'active');
    assert.equal(resumed.lastError, null);
    // The metrics count what was acknowledged and what was not, without a label per subscription.
    const metrics = await (await fetch(`${api.base}/metrics`)).text();
    for (const line of [
      /^app_api_events_delivered_total\{transport="websocket"\} [1-9]/m,
      /^app_api_events_batches_failed_total\{transport="websocket"\} [1-9]/m,
      /^app_api_events_subscriptions_paused_total\{reason="ACK_TIMEOUT"\} [1-9]/m,
      /^app_api_events_delivery_lag_seconds_count\{transport="websocket"\} [1-9]/m,
      /^app_api_events_checkpoint_block\{channel="consortium",stat="lowest"\} \d+$/m,
    ])
      assert.match(metrics, line);
    assert.doesNotMatch(metrics, new RegExp(slow.id));
  });

  it('posts signed webhook batches, retries, parks after the last attempt, and replays from a block', async function () {
    const receiver = new WebhookReceiver();
    receivers.push(receiver);
    await receiver.start();
    receiver.failNext = 3;
    const created = await subscribe(member, {
      name: 'hook',
      eventName: 'AssetCreated',
      from: 2,
      delivery: 'webhook',
      webhookUrl: receiver.url,
      batchSize: 4,
    });
    assert.ok(created.webhookSecret);
    receiver.secret = created.webhookSecret;
    const expected = Array.from(
      { length: ledger.lastBlock - 1 },
      (_, i) => `consortium:${i + 2}:0:0`,
    );
    await waitUntil('every batch', async () => receiver.accepted.length >= expected.length);
    assert.deepEqual(
      receiver.accepted.map((event) => event.id),
      expected,
    );
    assert.equal(receiver.deliveries.filter((d) => d.status === 500).length, 3);
    assert.ok(
      receiver.deliveries.every((d) => d.verified),
      'every signature verifies',
    );
    assert.ok(
      receiver.deliveries.every((d) => !d.verifiedWithWrongSecret),
      'a wrong secret does not',
    );
    // Secrets are shown once.
    assert.equal((await subscription(member, created.id)).webhookSecret, undefined);

    receiver.down = true;
    await append(1);
    await waitUntil(
      'the subscription to be parked',
      async () => (await subscription(member, created.id)).state === 'parked',
    );
    const parked = await subscription(member, created.id);
    assert.equal(parked.stateReason, 'WEBHOOK_FAILED');
    assert.match(parked.lastError ?? '', /attempt 4\/4: HTTP 503/);
    receiver.down = false;
    const before = receiver.accepted.length;
    const replayed = await call<Subscription>(
      api.base,
      'POST',
      `/v1/event-subscriptions/${created.id}/replay`,
      { token: member.accessToken, body: { fromBlock: 5 } },
    );
    assert.equal(replayed.status, 200);
    assert.equal(replayed.body.state, 'active');
    const again = Array.from({ length: ledger.lastBlock - 4 }, (_, i) => `consortium:${i + 5}:0:0`);
    await waitUntil(
      'the replayed batches',
      async () => receiver.accepted.length >= before + again.length,
    );
    assert.deepEqual(
      receiver.accepted.slice(before).map((event) => event.id),
      again,
    );
  });

  it('parks a webhook whose receiver address is no longer allowed, with the reason, and counts deliveries', async function () {
    const receiver = new WebhookReceiver();
    receivers.push(receiver);
    await receiver.start();
    const created = await subscribe(member, {
      name: 'internal hook',
      eventName: 'AssetCreated',
      from: ledger.lastBlock,
      delivery: 'webhook',
      webhookUrl: receiver.url,
    });
    receiver.secret = created.webhookSecret ?? '';
    await waitUntil('the first delivery', async () => receiver.accepted.length >= 1);
    const metrics = async () => (await fetch(`${api.base}/metrics`)).text();
    assert.match(await metrics(), /^app_api_events_delivered_total\{transport="webhook"\} [1-9]/m);
    assert.match(await metrics(), /^app_api_events_subscriptions\{state="active"\} [1-9]/m);
    // The operator takes 127.0.0.1 off the allow-list: delivery refuses it after resolution.
    api = await stack.restartApi({ EVENTS_WEBHOOK_ALLOWED_HOSTS: '' });
    const delivered = receiver.deliveries.length;
    await append(1);
    await waitUntil(
      'the subscription to be parked',
      async () => (await subscription(member, created.id)).state === 'parked',
    );
    const parked = await subscription(member, created.id);
    assert.equal(parked.stateReason, 'WEBHOOK_ADDRESS_REFUSED');
    assert.match(
      parked.lastError ?? '',
      /127\.0\.0\.1 is a loopback address; set EVENTS_WEBHOOK_ALLOW_PRIVATE=true/,
    );
    assert.equal(receiver.deliveries.length, delivered, 'nothing was sent');
    assert.match(
      await metrics(),
      // The earlier test's subscription delivers to 127.0.0.1 too: it is parked the same way.
      /^app_api_events_subscriptions_parked_total\{reason="WEBHOOK_ADDRESS_REFUSED"\} 2$/m,
    );
    api = await stack.restartApi();
  });

  describe('every event operation answers within the API document', function () {
    eachOperationAnswersItsSchema(
      new Set(
        documentedOperations()
          .map((operation) => operation.operationId)
          .filter((operationId) => !EVENT_OPERATIONS.includes(operationId)),
      ),
    );
  });
});
