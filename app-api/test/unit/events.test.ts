// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { mayManage } from '../../src/events/access';
import {
  beforeBlock,
  compare,
  likePattern,
  nameFilter,
  permissionToRead,
} from '../../src/events/model';
import { batchId, parseClientMessage } from '../../src/events/protocol';
import { signature, verifySignature } from '../../src/events/signature';
import { HeadWatcher, OwnerDisabledError } from '../../src/events/source';
import { ALL, FakeSource, row, SUBSCRIPTION } from '../support/events-fakes';

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

    it('sends a partial batch at once when its first event was mirrored a batch wait ago (while the last batch was out)', async function () {
      const source = new FakeSource();
      const subscription = { ...SUBSCRIPTION, batchWaitMs: 300 };
      source.rows = [row(3, 0)];
      // The mirror held block 3 already; the delivery loop was busy (a batch awaiting its
      // acknowledgement) for longer than the batch wait before it reads the event.
      await source.watcher.head('consortium');
      await new Promise((resolve) => setTimeout(resolve, 350));
      const started = Date.now();
      const batch = await source.nextBatch(subscription, beforeBlock(0), ALL, 1_000);
      assert.deepEqual(
        batch?.events.map((e) => e.id),
        ['consortium:3:0:0'],
      );
      assert.ok(Date.now() - started < 250, `sent at once, not after another wait`);
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
});
