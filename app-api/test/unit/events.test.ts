// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { createLogger } from '@consortia/common';
import type { ChaincodeEventRow, MirrorDb } from '@consortia/datasync/read';

import { mayManage } from '../../src/events/access';
import type { EventPosition, Subscription } from '../../src/events/model';
import {
  beforeBlock,
  compare,
  likePattern,
  nameFilter,
  permissionToRead,
} from '../../src/events/model';
import { batchId, parseClientMessage } from '../../src/events/protocol';
import { signature, verifySignature } from '../../src/events/signature';
import { EventSource, HeadWatcher, OwnerDisabledError } from '../../src/events/source';
import type { SubscriptionStore } from '../../src/events/store';
import type { PostOutcome } from '../../src/events/webhook';
import { backoffDelay, WebhookDelivery } from '../../src/events/webhook';

const SUBSCRIPTION: Subscription = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'test',
  owner: 'user',
  ownerUserId: 'u1',
  ownerUsername: 'one',
  channel: 'consortium',
  chaincode: 'consortia',
  eventFilter: '*',
  filterKind: 'pattern',
  payloadFilters: {},
  delivery: 'webhook',
  webhookUrl: 'https://receiver.example/hook',
  batchSize: 3,
  batchWaitMs: 50,
  state: 'active',
  stateReason: null,
  lastError: null,
  lastErrorAt: null,
  checkpoint: beforeBlock(0),
  deliveredEvents: 0,
  createdAt: new Date(0).toISOString(),
  updatedAt: new Date(0).toISOString(),
};

const row = (block: number, txIndex: number, name = 'AssetCreated'): ChaincodeEventRow => ({
  block_number: String(block),
  tx_index: txIndex,
  event_index: 0,
  tx_id: `tx-${block}-${txIndex}`,
  chaincode: 'consortia',
  event_name: name,
  payload: Buffer.from('{}'),
  payload_json: { block },
  timestamp: null,
  creator_msp: 'Org1MSP',
});

/** A mirror of `rows` (ordered) with a movable head, read without Postgres. */
class FakeSource extends EventSource {
  rows: ChaincodeEventRow[] = [];
  heads = new Map([['consortium', 10]]);
  constructor() {
    super({} as MirrorDb, 10);
    (this.watcher as unknown as { readHeads: () => Promise<Map<string, number>> }).readHeads =
      async () => this.heads;
  }
  override async read(_subscription: Subscription, after: EventPosition, limit: number) {
    return this.rows
      .filter(
        (r) =>
          compare(
            { block: Number(r.block_number), txIndex: r.tx_index, eventIndex: r.event_index },
            after,
          ) > 0,
      )
      .slice(0, limit);
  }
}

const ALL = {
  disabled: false,
  permissions: new Set(['assets:read', 'tokens:read', 'transactions:read']),
};

describe('event streams', function () {
  describe('filters and positions', function () {
    it('turns * and ? patterns into LIKE patterns, taking LIKE wildcards literally', function () {
      assert.equal(likePattern('Asset*'), 'Asset%');
      assert.equal(likePattern('Token?Moved'), 'Token_Moved');
      assert.equal(likePattern('odd_%name\\*'), 'odd\\_\\%name\\\\%');
      assert.deepEqual(nameFilter({ eventFilter: 'AssetCreated', filterKind: 'exact' }), {
        exact: 'AssetCreated',
      });
      assert.equal(nameFilter({ eventFilter: '*', filterKind: 'pattern' }), undefined);
    });

    it('orders positions by block, transaction, then event, and starts a block before its first event', function () {
      assert.ok(
        compare({ block: 2, txIndex: 0, eventIndex: 0 }, { block: 1, txIndex: 9, eventIndex: 9 }) >
          0,
      );
      assert.ok(
        compare({ block: 2, txIndex: 1, eventIndex: 0 }, { block: 2, txIndex: 0, eventIndex: 5 }) >
          0,
      );
      assert.ok(compare(beforeBlock(2), { block: 2, txIndex: 0, eventIndex: 0 }) < 0);
      assert.ok(compare(beforeBlock(2), { block: 1, txIndex: 99, eventIndex: 99 }) > 0);
    });

    it('reads asset events with assets:read, token events with tokens:read, others with transactions:read', function () {
      assert.equal(permissionToRead('AssetTransferred'), 'assets:read');
      assert.equal(permissionToRead('TokensMinted'), 'tokens:read');
      assert.equal(permissionToRead('AllowanceApproved'), 'tokens:read');
      assert.equal(permissionToRead('CreditsConsolidated'), 'tokens:read');
      assert.equal(permissionToRead('SomethingElse'), 'transactions:read');
    });

    it('lets a user manage their own subscriptions, and events:read:any every one', function () {
      const own = { userId: 'u1', permissions: new Set(['events:read']) };
      const any = { userId: 'u2', permissions: new Set(['events:read', 'events:read:any']) };
      assert.ok(mayManage(own, { owner: 'user', ownerUserId: 'u1' }));
      assert.ok(!mayManage(own, { owner: 'user', ownerUserId: 'u3' }));
      assert.ok(!mayManage(own, { owner: 'organization', ownerUserId: 'u1' }));
      assert.ok(mayManage(any, { owner: 'organization', ownerUserId: 'u1' }));
    });
  });

  describe('webhook signatures', function () {
    const now = Date.parse('2026-06-01T00:00:00Z');
    const timestamp = String(now / 1000);
    const body = '{"events":[]}';
    const signed = { signature: signature('secret', timestamp, body), timestamp };

    it('verify with the secret, over the timestamp and the exact body', function () {
      assert.ok(verifySignature('secret', signed, body, 300, now));
      assert.ok(!verifySignature('other secret', signed, body, 300, now));
      assert.ok(!verifySignature('secret', signed, `${body} `, 300, now));
      assert.ok(
        !verifySignature(
          'secret',
          { ...signed, timestamp: String(now / 1000 + 1) },
          body,
          300,
          now,
        ),
      );
    });

    it('refuse a timestamp outside the tolerance (a replayed request) and missing headers', function () {
      assert.ok(!verifySignature('secret', signed, body, 300, now + 301_000));
      assert.ok(!verifySignature('secret', { signature: undefined, timestamp }, body, 300, now));
      assert.ok(!verifySignature('secret', { ...signed, timestamp: 'soon' }, body, 300, now));
    });
  });

  describe('stream protocol', function () {
    it('parses start, ack and resume messages and nothing else', function () {
      assert.deepEqual(parseClientMessage('{"type":"start","subscriptionId":"s"}'), {
        type: 'start',
        subscriptionId: 's',
      });
      assert.deepEqual(parseClientMessage('{"type":"ack","batchId":"b"}'), {
        type: 'ack',
        batchId: 'b',
      });
      assert.deepEqual(parseClientMessage('{"type":"resume"}'), { type: 'resume' });
      for (const bad of [
        '',
        'null',
        '[]',
        '{"type":"ack"}',
        '{"type":"start"}',
        '{"type":"other"}',
      ])
        assert.equal(parseClientMessage(bad), undefined, bad);
    });

    it('names a batch by the positions it covers, so a redelivery keeps its id', function () {
      assert.equal(
        batchId({ after: beforeBlock(3), through: { block: 4, txIndex: 1, eventIndex: 0 } }),
        '3.-1.-1-4.1.0',
      );
    });
  });

  describe('batches', function () {
    it('sends a full batch at once, and a partial one after the batch wait', async function () {
      const source = new FakeSource();
      source.rows = [row(1, 0), row(1, 1), row(2, 0), row(3, 0)];
      const full = await source.nextBatch(SUBSCRIPTION, beforeBlock(0), ALL, 1_000);
      assert.deepEqual(
        full?.events.map((e) => e.id),
        ['consortium:1:0:0', 'consortium:1:1:0', 'consortium:2:0:0'],
      );
      assert.deepEqual(full?.through, { block: 2, txIndex: 0, eventIndex: 0 });
      const started = Date.now();
      const partial = await source.nextBatch(
        SUBSCRIPTION,
        full?.through ?? beforeBlock(0),
        ALL,
        1_000,
      );
      assert.deepEqual(
        partial?.events.map((e) => e.id),
        ['consortium:3:0:0'],
      );
      assert.ok(Date.now() - started >= 40, 'waited for more');
      source.close();
    });

    it('wakes on a new block, gives up when idle, and skips what the owner may not read', async function () {
      const source = new FakeSource();
      const idle = await source.nextBatch(SUBSCRIPTION, beforeBlock(0), ALL, 100);
      assert.equal(idle, undefined);
      const waiting = source.nextBatch(
        SUBSCRIPTION,
        beforeBlock(0),
        { disabled: false, permissions: new Set(['assets:read']) },
        5_000,
      );
      setTimeout(() => {
        source.rows = [row(11, 0, 'TokensMinted'), row(11, 1), row(11, 2, 'TokensBurned')];
        source.heads.set('consortium', 11);
      }, 30);
      const batch = await waiting;
      assert.deepEqual(
        batch?.events.map((e) => e.eventName),
        ['AssetCreated'],
      );
      assert.deepEqual(
        batch?.through,
        { block: 11, txIndex: 2, eventIndex: 0 },
        'past the skipped ones',
      );
      await assert.rejects(
        source.nextBatch(
          SUBSCRIPTION,
          beforeBlock(0),
          { disabled: true, permissions: new Set() },
          10,
        ),
        OwnerDisabledError,
      );
      source.close();
    });
  });

  describe('block notifications', function () {
    it('wake the waiters of that channel whose block it passes, and no others', async function () {
      const watcher = new HeadWatcher(async () => new Map(), 60_000);
      const woken: string[] = [];
      const wait = (channel: string, block: number) =>
        watcher.waitBeyond(channel, block, 2_000).then(() => woken.push(`${channel}@${block}`));
      const waits = [wait('a', 5), wait('a', 7), wait('b', 5)];
      watcher.notify('a', 6);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(woken, ['a@5']);
      watcher.close();
      await Promise.all(waits);
    });
  });

  describe('webhook delivery', function () {
    it('doubles the delay between attempts up to the maximum', function () {
      assert.deepEqual(
        [1, 2, 3, 4, 5].map((n) => backoffDelay(n, 100, 1_000)),
        [100, 200, 400, 800, 1000],
      );
    });

    /** A store of one subscription that records what delivery does to it. */
    function fakeStore(subscription: Subscription) {
      const calls: string[] = [];
      let current = { ...subscription };
      const store = {
        calls,
        get: async () => current,
        webhookSecret: async () => 'secret',
        ownerAccess: async () => ALL,
        lease: async () => current.state === 'active',
        release: async () => undefined,
        webhooksToDeliver: async () => (current.state === 'active' ? [current.id] : []),
        recordError: async (_id: string, error: string) => {
          calls.push(`error ${error}`);
          current = { ...current, lastError: error };
        },
        setState: async (_id: string, state: Subscription['state'], reason: string | null) => {
          calls.push(`state ${state} ${reason}`);
          current = { ...current, state, stateReason: reason };
        },
        advance: async (
          _id: string,
          _from: EventPosition,
          to: EventPosition,
          delivered: number,
        ) => {
          calls.push(`advance ${to.block}.${to.txIndex} +${delivered}`);
          current = { ...current, checkpoint: to };
          return true;
        },
      };
      return store;
    }

    it('retries a failing receiver, advances on success, and parks after the last attempt', async function () {
      const source = new FakeSource();
      source.rows = [row(1, 0), row(1, 1), row(2, 0), row(3, 0)];
      const store = fakeStore(SUBSCRIPTION);
      const outcomes: PostOutcome[] = [
        { ok: false, error: 'HTTP 500: no' },
        { ok: true },
        { ok: false, error: 'HTTP 502: a' },
        { ok: false, error: 'HTTP 502: b' },
        { ok: false, error: 'HTTP 502: c' },
      ];
      const posted: string[] = [];
      const delivery = new WebhookDelivery(
        store as unknown as SubscriptionStore,
        source,
        createLogger('unit', 'silent'),
        'me',
        {
          maxAttempts: 3,
          backoffMs: 5,
          maxBackoffMs: 20,
          timeoutMs: 100,
          scanMs: 10_000,
          leaseMs: 3_000,
          allowHttp: false,
        },
        async (_url, _secret, body, id) => {
          posted.push(id);
          JSON.parse(body);
          return outcomes.shift() ?? { ok: true };
        },
      );
      delivery.start();
      const deadline = Date.now() + 5_000;
      while (!store.calls.some((call) => call.startsWith('state parked')) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10));
      await delivery.stop();
      source.close();
      assert.deepEqual(store.calls, [
        'error attempt 1/3: HTTP 500: no',
        'advance 2.0 +3',
        'error attempt 1/3: HTTP 502: a',
        'error attempt 2/3: HTTP 502: b',
        'error attempt 3/3: HTTP 502: c',
        'state parked WEBHOOK_FAILED',
      ]);
      assert.equal(posted[0], posted[1], 'a retried batch keeps its id');
    });
  });
});
