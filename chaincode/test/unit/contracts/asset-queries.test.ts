// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import type { Context } from 'fabric-contract-api';
import { TYPE_INDEX } from '../../../src/contracts/asset-contract';
import type { Asset } from '../../../src/model/asset';
import { rejectsWith } from '../../support/assertions';
import { org1Alice, org1Bob, org2Carol, assetFixture } from './asset-fixture';

describe('AssetContract', () => {
  const fx = assetFixture();
  const { create, read } = fx;

  describe('expected owner', () => {
    beforeEach(async () => {
      await create('A1');
    });

    const transfer = (expectedOwnerId: string, to = 'carol') =>
      fx.world.submit(org1Bob, (ctx) =>
        fx.contract.TransferAsset(ctx, 'A1', 'Org2MSP', to, expectedOwnerId),
      );

    it('lets a write through when the ledger owner is the expected one', async () => {
      const { result } = await fx.world.submit(org1Bob, (ctx) =>
        fx.contract.UpdateAsset(ctx, 'A1', '{}', 'SOLD', 'alice'),
      );
      assert.equal(result.status, 'SOLD');
      await transfer('alice');
      assert.deepEqual((await read('A1')).owner, { mspId: 'Org2MSP', ownerId: 'carol' });
    });

    it('refuses update, transfer and delete authorized against another owner', async () => {
      const body = await rejectsWith(
        fx.world.submit(org1Alice, (ctx) =>
          fx.contract.UpdateAsset(ctx, 'A1', '{}', 'SOLD', 'bob'),
        ),
        'OWNER_MISMATCH',
        'expectedOwnerId',
      );
      assert.match(body.message, /asset A1 is owned by alice, not bob/);
      await rejectsWith(transfer('bob'), 'OWNER_MISMATCH', 'expectedOwnerId');
      await rejectsWith(
        fx.world.submit(org1Alice, (ctx) => fx.contract.DeleteAsset(ctx, 'A1', 'bob')),
        'OWNER_MISMATCH',
        'expectedOwnerId',
      );
      assert.equal((await read('A1')).status, 'ACTIVE');
    });

    it('still checks the organization first', async () => {
      await rejectsWith(
        fx.world.submit(org2Carol, (ctx) => fx.contract.DeleteAsset(ctx, 'A1', 'alice')),
        'FORBIDDEN',
      );
    });

    it('lets only the first of two queued transfers by the same owner commit', async () => {
      // Both accepted while alice owned A1; bob is in her organization, so only
      // the owner check can stop the second one.
      const inOrg = (to: string) =>
        fx.world.submit(org1Alice, (ctx) =>
          fx.contract.TransferAsset(ctx, 'A1', 'Org1MSP', to, 'alice'),
        );
      await inOrg('bob');
      await rejectsWith(inOrg('dave'), 'OWNER_MISMATCH');
      assert.equal((await read('A1')).owner.ownerId, 'bob');
      // Endorsed against the same state and ordered into one block.
      await create('A2');
      const first = fx.world.begin(org1Alice);
      const second = fx.world.begin(org1Alice);
      await fx.contract.TransferAsset(first.ctx, 'A2', 'Org1MSP', 'bob', 'alice');
      await fx.contract.TransferAsset(second.ctx, 'A2', 'Org1MSP', 'dave', 'alice');
      assert.equal(fx.world.commit(first), 'VALID');
      assert.equal(fx.world.commit(second), 'MVCC_READ_CONFLICT');
      assert.equal((await read('A2')).owner.ownerId, 'bob');
    });

    it('validates expectedOwnerId', async () => {
      await rejectsWith(transfer('a b'), 'INVALID_ARGUMENT', 'expectedOwnerId');
      await rejectsWith(
        fx.world.submit(org1Alice, (ctx) =>
          fx.contract.UpdateAsset(ctx, 'A1', '{}', 'SOLD', undefined as unknown as string),
        ),
        'INVALID_ARGUMENT',
        'expectedOwnerId',
      );
      await rejectsWith(
        fx.world.submit(org1Alice, (ctx) => fx.contract.DeleteAsset(ctx, 'A1', '-x')),
        'INVALID_ARGUMENT',
        'expectedOwnerId',
      );
    });

    it('makes the expected owner part of the request id check', async () => {
      const transient = { requestId: 'relay-9' };
      await fx.world.submit(
        org1Alice,
        (ctx) => fx.contract.UpdateAsset(ctx, 'A1', '{}', 'SOLD', ''),
        {
          transient,
        },
      );
      await rejectsWith(
        fx.world.submit(
          org1Alice,
          (ctx) => fx.contract.UpdateAsset(ctx, 'A1', '{}', 'SOLD', 'alice'),
          {
            transient,
          },
        ),
        'REQUEST_ID_CONFLICT',
        'requestId',
      );
      await rejectsWith(
        fx.world.submit(org1Alice, (ctx) => fx.contract.UpdateAsset(ctx, 'A1', '{}', 'SOLD', ''), {
          transient,
        }),
        'DUPLICATE_REQUEST',
        'requestId',
      );
    });
  });

  describe('queries', () => {
    beforeEach(async () => {
      for (const [id, type, ownerId] of [
        ['A1', 'container', 'alice'],
        ['A2', 'pallet', 'alice'],
        ['A3', 'container', 'bob'],
        ['A4', 'container', 'alice'],
        ['A5', 'container', 'alice'],
      ] as const) {
        await create(id, { type, ownerId });
      }
      await create('B1', { type: 'container', ownerId: 'carol' }, org2Carol);
    });

    const ids = (page: { records: Asset[] }) => page.records.map((asset) => asset.id);

    it('pages through an owner with bookmarks', async () => {
      const byOwner = (bookmark: string) => (ctx: Context) =>
        fx.contract.QueryAssetsByOwner(ctx, 'Org1MSP', 'alice', 2, bookmark);
      const first = await fx.world.evaluate(org2Carol, byOwner(''));
      assert.deepEqual(ids(first), ['A1', 'A2']);
      assert.equal(first.fetchedRecordsCount, 2);
      const second = await fx.world.evaluate(org2Carol, byOwner(first.bookmark));
      assert.deepEqual(ids(second), ['A4', 'A5']);
      assert.equal(second.bookmark, '');
    });

    it('lists a whole organization when ownerId is empty', async () => {
      const page = await fx.world.evaluate(org1Alice, (ctx) =>
        fx.contract.QueryAssetsByOwner(ctx, 'Org1MSP', '', 50, ''),
      );
      assert.deepEqual(ids(page), ['A1', 'A2', 'A4', 'A5', 'A3']);
    });

    it('pages through a type across organizations', async () => {
      const first = await fx.world.evaluate(org1Alice, (ctx) =>
        fx.contract.QueryAssetsByType(ctx, 'container', 3, ''),
      );
      assert.deepEqual(ids(first), ['A1', 'A3', 'A4']);
      const rest = await fx.world.evaluate(org1Alice, (ctx) =>
        fx.contract.QueryAssetsByType(ctx, 'container', 3, first.bookmark),
      );
      assert.deepEqual(ids(rest), ['A5', 'B1']);
      assert.equal(rest.bookmark, '');
    });

    it('follows a moved asset to its new owner', async () => {
      await fx.world.submit(org1Alice, (ctx) =>
        fx.contract.TransferAsset(ctx, 'A1', 'Org2MSP', 'carol', ''),
      );
      const org2 = await fx.world.evaluate(org2Carol, (ctx) =>
        fx.contract.QueryAssetsByOwner(ctx, 'Org2MSP', 'carol', 10, ''),
      );
      assert.deepEqual(ids(org2), ['A1', 'B1']);
    });

    it('skips an index entry whose asset is gone', async () => {
      await fx.world.submit(org1Alice, async (ctx) => {
        await ctx.stub.putState(
          ctx.stub.createCompositeKey(TYPE_INDEX, ['pallet', 'ghost']),
          Buffer.from([0]),
        );
      });
      const page = await fx.world.evaluate(org1Alice, (ctx) =>
        fx.contract.QueryAssetsByType(ctx, 'pallet', 10, ''),
      );
      assert.deepEqual(ids(page), ['A2']);
    });

    it('validates query arguments', async () => {
      await rejectsWith(
        fx.world.evaluate(org1Alice, (ctx) =>
          fx.contract.QueryAssetsByOwner(ctx, '', 'alice', 10, ''),
        ),
        'INVALID_ARGUMENT',
        'ownerMspId',
      );
      await rejectsWith(
        fx.world.evaluate(org1Alice, (ctx) =>
          fx.contract.QueryAssetsByOwner(ctx, 'Org1MSP', 'a b', 10, ''),
        ),
        'INVALID_ARGUMENT',
        'ownerId',
      );
      await rejectsWith(
        fx.world.evaluate(org1Alice, (ctx) =>
          fx.contract.QueryAssetsByType(ctx, 'container', 0, ''),
        ),
        'INVALID_ARGUMENT',
        'pageSize',
      );
      await rejectsWith(
        fx.world.evaluate(org1Alice, (ctx) => fx.contract.QueryAssetsByType(ctx, '', 10, '')),
        'INVALID_ARGUMENT',
        'type',
      );
    });

    it('runs rich queries restricted to assets', async () => {
      const page = await fx.world.evaluate(org1Alice, (ctx) =>
        fx.contract.QueryAssets(
          ctx,
          '{"owner.ownerId":"alice","type":"container","docType":"other"}',
          2,
          '',
        ),
      );
      assert.deepEqual(ids(page), ['A1', 'A4']);
      const next = await fx.world.evaluate(org1Alice, (ctx) =>
        fx.contract.QueryAssets(
          ctx,
          '{"owner.ownerId":"alice","type":"container"}',
          2,
          page.bookmark,
        ),
      );
      assert.deepEqual(ids(next), ['A5']);
      await rejectsWith(
        fx.world.evaluate(org1Alice, (ctx) => fx.contract.QueryAssets(ctx, '[]', 2, '')),
        'INVALID_ARGUMENT',
        'selectorJson',
      );
    });

    it('sends CouchDB a canonical query that forces docType', async () => {
      const tx = fx.world.begin(org1Alice);
      await fx.contract.QueryAssets(tx.ctx, '{"type":"pallet","docType":"x"}', 5, '');
      assert.deepEqual(tx.stub.getQueryResultWithPagination.firstCall.args, [
        '{"selector":{"docType":"asset","type":"pallet"}}',
        5,
        '',
      ]);
    });

    it('cannot be part of an update transaction', async () => {
      const tx = fx.world.begin(org1Alice);
      await fx.contract.QueryAssetsByType(tx.ctx, 'container', 2, '');
      await tx.ctx.stub.putState('x', Buffer.from('1'));
      assert.equal(fx.world.commit(tx), 'PAGINATION_IN_UPDATE');
    });
  });
});
