// SPDX-License-Identifier: Apache-2.0
// Event streams on the whole real stack: the shared Fabric network, the DAPP, datasync mirroring
// the channel, and the app-api. A member subscribes from block N, writes assets, and receives
// every event of theirs in ledger order over a WebSocket while the app-api is restarted; an HTTPS
// webhook receiver with its own certificate gets the same events and verifies each signature.
// Skipped, with the reason, where Fabric cannot run.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { EventClient } from '../support/event-client';
import {
  createAssets,
  firstReceipts,
  inLedgerOrder,
  log,
  memberStack,
  ownAssetsCreated,
  startStackApi,
} from '../support/events-stack';
import { call, tempDir, waitUntil } from '../support/stack';
import { localhostCertificate, WebhookReceiver } from '../support/webhook-receiver';

const ADMIN = { username: 'events-admin', password: 'network admin pass 2026' };
const PASSWORD = 'network user pass 2026';

describe('event streams on the real stack (Fabric network, DAPP, datasync, Postgres)', function () {
  this.timeout(900_000);
  const run = crypto.randomBytes(3).toString('hex');
  const memberName = `streamer-${run}`;
  const clients: EventClient[] = [];
  const receiver = new WebhookReceiver();

  const real = memberStack('events-network', ADMIN, memberName, PASSWORD, async () => {
    for (const client of clients) client.stop();
    await receiver.stop();
  });

  const writeAssets = (first: number, count: number) =>
    createAssets(() => real.api, real.member, `STREAM-${run}`, first, count);

  it('delivers every event from block N in ledger order over WebSocket across an app-api restart, and to a signed HTTPS webhook', async function () {
    const from = (await real.api.service.mirror.freshness()).syncedBlock + 1;
    const filter = { ...ownAssetsCreated(memberName), from, batchSize: 3 };
    const subscribed = await call<{ id: string }>(
      real.api.base,
      'POST',
      '/v1/event-subscriptions',
      {
        token: real.member.accessToken,
        body: { name: 'portal', delivery: 'websocket', ...filter },
      },
    );
    assert.equal(subscribed.status, 201, JSON.stringify(subscribed.body));
    const client = new EventClient(real.api.base, subscribed.body.id, {
      token: () => real.member.accessToken,
    });
    clients.push(client);
    client.start();

    const before = await writeAssets(0, 4);
    await waitUntil('the first events', async () => client.events.length >= 2, 120_000);

    // Restart the app-api while the client reads; the new process trusts the receiver's CA.
    const certificate = localhostCertificate(tempDir('events-receiver'));
    await receiver.start(certificate);
    await real.api.stop();
    real.api = await startStackApi(real.stack, {
      EVENTS_WEBHOOK_CA_FILE: certificate.cert,
      // The receiver listens on 127.0.0.1.
      EVENTS_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    });
    client.retarget(real.api.base);
    const afterRestart = await writeAssets(4, 4);
    const hook = await call<{ id: string; webhookSecret: string }>(
      real.api.base,
      'POST',
      '/v1/event-subscriptions',
      {
        token: real.member.accessToken,
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
