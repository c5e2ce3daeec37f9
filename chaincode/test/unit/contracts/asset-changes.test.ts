// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import {
  OWNER_INDEX,
  hashDetails,
  implicitCollection,
} from '../../../src/contracts/asset-contract';
import { detailsKey } from '../../../src/contracts/asset-private-details';
import { requestKey } from '../../../src/common/idempotency';
import { rejectsWith } from '../../support/assertions';
import { org1Alice, org1Bob, org2Carol, appraisal, assetFixture } from './asset-fixture';

describe('AssetContract', () => {
  const fx = assetFixture();
  const { create } = fx;

  describe('UpdateAsset', () => {
    it('replaces attributes and status for the owner org', async () => {
      const created = (await create('A1', { transient: { privateDetails: appraisal } })).result;
      const { result, tx } = await fx.world.submit(org1Bob, (ctx) =>
        fx.contract.UpdateAsset(ctx, 'A1', '{"color":"red"}', 'IN_TRANSIT', ''),
      );
      assert.deepEqual(result.attributes, { color: 'red' });
      assert.equal(result.status, 'IN_TRANSIT');
      assert.equal(result.createdAt, created.createdAt);
      assert.notEqual(result.updatedAt, created.updatedAt);
      assert.equal(result.privateDetailsHash, created.privateDetailsHash);
      assert.equal(tx.privateWrites.size, 0);
      assert.deepEqual(tx.events, [{ name: 'AssetUpdated', payload: { asset: result } }]);
    });

    it('replaces the private details with staged ones named by their hash', async () => {
      await create('A1', { transient: { privateDetails: appraisal } });
      const details = '{"appraisedValue":900}';
      const staged = await fx.world.submit(
        org1Alice,
        (ctx) => fx.contract.StageAssetPrivateDetails(ctx, 'A1'),
        { transient: { privateDetails: details } },
      );
      const { result, tx } = await fx.world.submit(
        org1Alice,
        (ctx) => fx.contract.UpdateAsset(ctx, 'A1', '{}', 'ACTIVE', ''),
        { transient: { privateDetailsHash: staged.result } },
      );
      assert.equal(result.privateDetailsHash, hashDetails({ appraisedValue: 900 }));
      assert.equal(tx.privateWrites.size, 0);
      assert.equal(
        fx.world.privateState
          .get(implicitCollection('Org1MSP'))
          ?.get(detailsKey(tx.ctx, 'A1', result.privateDetailsHash))
          ?.toString(),
        details,
      );
    });

    it('denies other organizations with FORBIDDEN', async () => {
      await create('A1');
      await rejectsWith(
        fx.world.submit(org2Carol, (ctx) => fx.contract.UpdateAsset(ctx, 'A1', '{}', 'ACTIVE', '')),
        'FORBIDDEN',
      );
    });

    it('validates its arguments and the asset', async () => {
      await create('A1');
      const update = (id: string, attrs: string, status: string) =>
        fx.world.submit(org1Alice, (ctx) => fx.contract.UpdateAsset(ctx, id, attrs, status, ''));
      await rejectsWith(update('A1', '{}', 'active'), 'INVALID_ARGUMENT', 'status');
      await rejectsWith(update('A1', '{}', ''), 'INVALID_ARGUMENT', 'status');
      await rejectsWith(update('A1', '"x"', 'ACTIVE'), 'INVALID_ARGUMENT', 'attributesJson');
      await rejectsWith(update('missing', '{}', 'ACTIVE'), 'NOT_FOUND');
    });
  });

  describe('TransferAsset', () => {
    it('moves the asset to another org, its owner index, and clears the private details hash', async () => {
      await create('A1', { transient: { privateDetails: appraisal } });
      const { result, tx } = await fx.world.submit(org1Alice, (ctx) =>
        fx.contract.TransferAsset(ctx, 'A1', 'Org2MSP', 'carol', ''),
      );
      assert.deepEqual(result.owner, { mspId: 'Org2MSP', ownerId: 'carol' });
      assert.equal(result.privateDetailsHash, '');
      // The old owner's copy stays in its own collection (see asset-private-details.test.ts).
      assert.equal(tx.privateWrites.size, 0);
      assert.equal(
        fx.world.get(tx.ctx.stub.createCompositeKey(OWNER_INDEX, ['Org1MSP', 'alice', 'A1'])),
        undefined,
      );
      assert.ok(
        fx.world.get(tx.ctx.stub.createCompositeKey(OWNER_INDEX, ['Org2MSP', 'carol', 'A1'])),
      );
      assert.deepEqual(tx.events, [
        {
          name: 'AssetTransferred',
          payload: {
            assetId: 'A1',
            from: { mspId: 'Org1MSP', ownerId: 'alice' },
            to: { mspId: 'Org2MSP', ownerId: 'carol' },
          },
        },
      ]);
      // The new owner org now controls it; the old one no longer does.
      await rejectsWith(
        fx.world.submit(org1Alice, (ctx) => fx.contract.UpdateAsset(ctx, 'A1', '{}', 'ACTIVE', '')),
        'FORBIDDEN',
      );
      await fx.world.submit(org2Carol, (ctx) =>
        fx.contract.UpdateAsset(ctx, 'A1', '{}', 'RECEIVED', ''),
      );
    });

    it('keeps private details when the asset stays in the organization', async () => {
      const created = (await create('A1', { transient: { privateDetails: appraisal } })).result;
      const { result, tx } = await fx.world.submit(org1Alice, (ctx) =>
        fx.contract.TransferAsset(ctx, 'A1', 'Org1MSP', 'bob', ''),
      );
      assert.equal(result.privateDetailsHash, created.privateDetailsHash);
      assert.equal(tx.privateWrites.size, 0);
    });

    it('does not touch private data when there is none', async () => {
      await create('A1');
      const { tx } = await fx.world.submit(org1Alice, (ctx) =>
        fx.contract.TransferAsset(ctx, 'A1', 'Org2MSP', 'carol', ''),
      );
      assert.equal(tx.stub.deletePrivateData.callCount, 0);
    });

    it('rejects a transfer to the current owner, by another org, or of a missing asset', async () => {
      await create('A1');
      const transfer = (caller: typeof org1Alice, id: string, msp: string, owner: string) =>
        fx.world.submit(caller, (ctx) => fx.contract.TransferAsset(ctx, id, msp, owner, ''));
      await rejectsWith(
        transfer(org1Alice, 'A1', 'Org1MSP', 'alice'),
        'INVALID_ARGUMENT',
        'newOwnerId',
      );
      await rejectsWith(transfer(org2Carol, 'A1', 'Org2MSP', 'carol'), 'FORBIDDEN');
      await rejectsWith(transfer(org1Alice, 'A9', 'Org2MSP', 'carol'), 'NOT_FOUND');
      await rejectsWith(
        transfer(org1Alice, 'A1', 'Org 2', 'carol'),
        'INVALID_ARGUMENT',
        'newOwnerMspId',
      );
      await rejectsWith(transfer(org1Alice, 'A1', 'Org2MSP', ''), 'INVALID_ARGUMENT', 'newOwnerId');
    });
  });

  describe('DeleteAsset', () => {
    it('removes the asset and its index entries (owner org only)', async () => {
      await create('A1', { transient: { privateDetails: appraisal } });
      await rejectsWith(
        fx.world.submit(org2Carol, (ctx) => fx.contract.DeleteAsset(ctx, 'A1', '')),
        'FORBIDDEN',
      );
      const { tx } = await fx.world.submit(
        org1Bob,
        (ctx) => fx.contract.DeleteAsset(ctx, 'A1', ''),
        {
          transient: { requestId: 'del-1' },
        },
      );
      assert.deepEqual(fx.world.keys(), [requestKey(tx.ctx, 'del-1')]);
      assert.equal(tx.privateWrites.size, 0, 'private details are purged by their org');
      assert.deepEqual(tx.events, [
        {
          name: 'AssetDeleted',
          payload: {
            assetId: 'A1',
            owner: { mspId: 'Org1MSP', ownerId: 'alice' },
            requestId: 'del-1',
          },
        },
      ]);
      await rejectsWith(
        fx.world.submit(org1Bob, (ctx) => fx.contract.DeleteAsset(ctx, 'A1', '')),
        'NOT_FOUND',
      );
    });

    it('skips private data when the asset has none', async () => {
      await create('A1');
      const { tx } = await fx.world.submit(org1Alice, (ctx) =>
        fx.contract.DeleteAsset(ctx, 'A1', ''),
      );
      assert.equal(tx.stub.deletePrivateData.callCount, 0);
    });
  });

  describe('GetAssetHistory', () => {
    const history = (id: string, pageSize = 100, bookmark = '') =>
      fx.world.evaluate(org2Carol, (ctx) =>
        fx.contract.GetAssetHistory(ctx, id, pageSize, bookmark),
      );

    it('lists every version with txId, timestamp and deletion flag', async () => {
      const created = await create('A1');
      const updated = await fx.world.submit(org1Alice, (ctx) =>
        fx.contract.UpdateAsset(ctx, 'A1', '{}', 'SOLD', ''),
      );
      const deleted = await fx.world.submit(org1Alice, (ctx) =>
        fx.contract.DeleteAsset(ctx, 'A1', ''),
      );
      const page = await history('A1');
      assert.deepEqual(
        page.records.map((entry) => [entry.txId, entry.isDelete, entry.asset?.status]),
        [
          [created.tx.txId, false, 'ACTIVE'],
          [updated.tx.txId, false, 'SOLD'],
          [deleted.tx.txId, true, undefined],
        ],
      );
      assert.equal(page.records[1]?.timestamp, updated.result.updatedAt);
      assert.equal('asset' in (page.records[2] ?? {}), false);
      assert.equal(page.fetchedRecordsCount, 3);
      assert.equal(page.bookmark, '');
    });

    it('pages with a bounded page size and a bookmark, closing the iterator early', async () => {
      await create('A1');
      const txIds = [];
      for (let i = 0; i < 6; i++) {
        const { tx } = await fx.world.submit(org1Alice, (ctx) =>
          fx.contract.UpdateAsset(ctx, 'A1', `{"n":${i}}`, 'ACTIVE', ''),
        );
        txIds.push(tx.txId);
      }
      const probe = fx.world.begin(org2Carol);
      const first = await fx.contract.GetAssetHistory(probe.ctx, 'A1', 3, '');
      assert.equal(first.records.length, 3);
      assert.equal(first.bookmark, txIds[2]);
      assert.deepEqual(
        probe.iterators.map((iterator) => iterator.closed),
        [true],
      );
      const second = await history('A1', 3, first.bookmark);
      assert.deepEqual(
        second.records.map((entry) => entry.txId),
        txIds.slice(2, 5),
      );
      const last = await history('A1', 3, second.bookmark);
      assert.deepEqual(
        last.records.map((entry) => entry.txId),
        txIds.slice(5),
      );
      assert.equal(last.bookmark, '');
    });

    it('validates the page size and the bookmark', async () => {
      await create('A1');
      await rejectsWith(history('A1', 0), 'INVALID_ARGUMENT', 'pageSize');
      await rejectsWith(history('A1', 101), 'INVALID_ARGUMENT', 'pageSize');
      await rejectsWith(history('A1', 10, 'f'.repeat(64)), 'INVALID_ARGUMENT', 'bookmark');
      await rejectsWith(history('', 10), 'INVALID_ARGUMENT', 'id');
    });

    it('returns an empty history for an unknown asset', async () => {
      assert.deepEqual(await history('none'), {
        records: [],
        fetchedRecordsCount: 0,
        bookmark: '',
      });
    });
  });
});
