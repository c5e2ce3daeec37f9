// SPDX-License-Identifier: Apache-2.0
// Event streams on the whole real stack: the shared Fabric network, the DAPP, datasync mirroring
// the channel, and the app-api. A member subscribes from block N, writes assets, and receives
// every event of theirs in ledger order over a WebSocket while the app-api is restarted; an HTTPS
// webhook receiver with its own certificate gets the same events and verifies each signature.
// Skipped, with the reason, where Fabric cannot run.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { testNetworkUnavailable } from '@consortia/network/testing';

import type { StreamEvent } from '../../src/events/model';
import { EventClient } from '../support/event-client';
import type { RealStack } from '../support/real-stack';
import { startRealStack } from '../support/real-stack';
import type { LoggedIn, TestApi } from '../support/stack';
import { appApiEnv, call, login, startAppApi, tempDir, waitUntil } from '../support/stack';
import { localhostCertificate, WebhookReceiver } from '../support/webhook-receiver';

const log = (message: string) => process.stderr.write(`      ${message}\n`);
const ADMIN = { username: 'events-admin', password: 'network admin pass 2026' };
const PASSWORD = 'network user pass 2026';

interface Committed {
  status: string;
  txId: string;
  blockNumber: number;
}

/** Receipt order with redeliveries removed. */
const firstReceipts = (events: StreamEvent[]) => {
  const seen = new Map<string, StreamEvent>();
  for (const event of events) if (!seen.has(event.id)) seen.set(event.id, event);
  return [...seen.values()];
};

const inLedgerOrder = (events: StreamEvent[]) =>
  events.every((event, index) => {
    const previous = events[index - 1];
    return (
      !previous ||
      previous.blockNumber < event.blockNumber ||
      (previous.blockNumber === event.blockNumber && previous.txIndex < event.txIndex)
    );
  });

describe('event streams on the real stack (Fabric network, DAPP, datasync, Postgres)', function () {
  this.timeout(900_000);
  let stack: RealStack;
  let api: TestApi;
  let member: LoggedIn;
  const run = crypto.randomBytes(3).toString('hex');
  const memberName = `streamer-${run}`;
  const clients: EventClient[] = [];
  const receiver = new WebhookReceiver();

  before(async function () {
    const unavailable = testNetworkUnavailable();
    if (unavailable) {
      log(`${unavailable}: skipped`);
      this.skip();
    }
    stack = await startRealStack('events-network', ADMIN, log);
    api = stack.api;
    const admin = await login(api.base, ADMIN.username, ADMIN.password);
    const created = await call(api.base, 'POST', '/v1/users', {
      token: admin.accessToken,
      body: {
        username: memberName,
        password: PASSWORD,
        roles: ['member'],
        fabricIdentity: stack.identities.own,
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    member = await login(api.base, memberName, PASSWORD);
  });

  after(async function () {
    for (const client of clients) client.stop();
    await receiver.stop();
    if (api !== stack?.api) await api?.stop();
    await stack?.stop();
  });

  /** Creates `count` assets of the member at once; their commits, in no particular order. */
  const createAssets = (first: number, count: number) =>
    Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const created = await call<Committed>(api.base, 'POST', '/v1/assets', {
          token: member.accessToken,
          body: { id: `STREAM-${run}-${first + i}`, type: 'crate', attributes: { n: first + i } },
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        return created.body;
      }),
    );

  it('delivers every event from block N in ledger order over WebSocket across an app-api restart, and to a signed HTTPS webhook', async function () {
    const from = (await api.service.mirror.freshness()).syncedBlock + 1;
    const filter = {
      eventName: 'AssetCreated',
      // Other suites write to the same channel: only this member's assets.
      payloadFilters: { asset: { owner: { ownerId: memberName } } },
      from,
      batchSize: 3,
    };
    const subscribed = await call<{ id: string }>(api.base, 'POST', '/v1/event-subscriptions', {
      token: member.accessToken,
      body: { name: 'portal', delivery: 'websocket', ...filter },
    });
    assert.equal(subscribed.status, 201, JSON.stringify(subscribed.body));
    const client = new EventClient(api.base, subscribed.body.id, {
      token: () => member.accessToken,
    });
    clients.push(client);
    client.start();

    const before = await createAssets(0, 4);
    await waitUntil('the first events', async () => client.events.length >= 2, 120_000);

    // Restart the app-api while the client reads; the new process trusts the receiver's CA.
    const certificate = localhostCertificate(tempDir('events-receiver'));
    await receiver.start(certificate);
    await api.stop();
    api = await startAppApi(
      appApiEnv(stack.databases, {
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        DAPP_URL: stack.dappBase,
        DAPP_API_KEY: stack.dappKey,
        FABRIC_CHANNEL: stack.network.topology.options.channel,
        FABRIC_CHAINCODE: stack.network.chaincode,
        RATE_LIMIT_PER_USER: '100000',
        RATE_LIMIT_PER_IP: '100000',
        EVENTS_WEBHOOK_CA_FILE: certificate.cert,
        // The receiver listens on 127.0.0.1.
        EVENTS_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      }),
    );
    client.retarget(api.base);
    const afterRestart = await createAssets(4, 4);
    const hook = await call<{ id: string; webhookSecret: string }>(
      api.base,
      'POST',
      '/v1/event-subscriptions',
      {
        token: member.accessToken,
        body: { name: 'back office', delivery: 'webhook', webhookUrl: receiver.url, ...filter },
      },
    );
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    receiver.secret = hook.body.webhookSecret;

    const expected = new Set([...before, ...afterRestart].map((write) => write.txId));
    await waitUntil(
      'every event over the WebSocket',
      async () => firstReceipts(client.events).length >= expected.size,
      120_000,
    );
    await waitUntil(
      'every event at the webhook',
      async () => firstReceipts(receiver.accepted).length >= expected.size,
      120_000,
    );

    for (const [name, events] of [
      ['websocket', firstReceipts(client.events)],
      ['webhook', firstReceipts(receiver.accepted)],
    ] as const) {
      assert.deepEqual(
        new Set(events.map((event) => event.txId)),
        expected,
        `${name}: every event`,
      );
      assert.ok(inLedgerOrder(events), `${name}: in ledger order`);
      assert.ok(
        events.every((event) => event.blockNumber >= from),
        `${name}: from block N`,
      );
    }
    // Redelivered only across the restart, with the same ids: one connection repeats nothing.
    for (const connection of new Set(client.batches.map((batch) => batch.connection))) {
      const ids = client.batches
        .filter((batch) => batch.connection === connection)
        .flatMap((batch) => batch.events.map((event) => event.id));
      assert.equal(new Set(ids).size, ids.length, `connection ${connection} repeats nothing`);
    }
    assert.ok(client.connections >= 2, 'the client reconnected after the restart');
    assert.ok(
      receiver.deliveries.every((delivery) => delivery.verified),
      'signatures verify',
    );
    assert.ok(
      receiver.deliveries.every((delivery) => !delivery.verifiedWithWrongSecret),
      'a wrong secret is detected',
    );
    log(
      `${expected.size} events from block ${from}; ${client.batches.length} WebSocket batches over ${client.connections} connections, ${receiver.deliveries.length} webhook batches`,
    );
  });
});
