import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import {
  AssetContract,
  OWNER_INDEX,
  TYPE_INDEX,
  hashDetails,
  implicitCollection,
} from '../../../src/contracts/asset-contract';
import { detailsKey } from '../../../src/contracts/asset-private-details';
import { requestKey } from '../../../src/common/idempotency';
import type { Asset } from '../../../src/model/asset';
import { rejectsWith } from '../../support/assertions';
import { WorldState, identity, type SimulatedTx } from '../../support/world-state';

const org1Alice = identity('Org1MSP', 'alice');
const org1Bob = identity('Org1MSP', 'bob');
const org2Carol = identity('Org2MSP', 'carol');

const appraisal = JSON.stringify({ appraisedValue: 1200, currency: 'EUR' });

function assetKey(tx: SimulatedTx, id: string): string {
  return tx.ctx.stub.createCompositeKey('asset', [id]);
}

describe('AssetContract', () => {
  let world: WorldState;
  let contract: AssetContract;

  /** With transient privateDetails: staged first, then named by their hash, as the DAPP does. */
  const create = async (
    id: string,
    options: { type?: string; ownerId?: string; transient?: Record<string, string> } = {},
    caller = org1Alice,
  ) => {
    const { privateDetails, ...transient } = options.transient ?? {};
    if (privateDetails !== undefined) {
      const staged = await world.submit(
        caller,
        (ctx) => contract.StageAssetPrivateDetails(ctx, id),
        { transient: { privateDetails } },
      );
      transient.privateDetailsHash = staged.result;
    }
    return world.submit(
      caller,
      (ctx) =>
        contract.CreateAsset(
          ctx,
          id,
          options.type ?? 'container',
          options.ownerId ?? 'alice',
          '{"color":"blue","size":20}',
        ),
      { transient },
    );
  };

  const read = (id: string, caller = org1Alice): Promise<Asset> =>
    world.evaluate(caller, (ctx) => contract.ReadAsset(ctx, id));

  beforeEach(() => {
    world = new WorldState();
    contract = new AssetContract();
  });

  it('is named AssetContract', () => {
    assert.equal(contract.getName(), 'AssetContract');
  });

  describe('CreateAsset', () => {
    it('stores the asset owned by the caller org with transaction timestamps', async () => {
      const { result, tx } = await create('A1');
      const expectedTime = new Date(tx.timestamp.seconds * 1000 + 250).toISOString();
      assert.deepEqual(result, {
        docType: 'asset',
        id: 'A1',
        type: 'container',
        owner: { mspId: 'Org1MSP', ownerId: 'alice' },
        attributes: { color: 'blue', size: 20 },
        status: 'ACTIVE',
        privateDetailsHash: '',
        createdAt: expectedTime,
        updatedAt: expectedTime,
      });
      assert.deepEqual(await read('A1'), result);
      // Stored as canonical JSON.
      assert.equal(
        world
          .get(assetKey(tx, 'A1'))
          ?.startsWith('{"attributes":{"color":"blue","size":20},"createdAt"'),
        true,
      );
      assert.ok(world.get(tx.ctx.stub.createCompositeKey(OWNER_INDEX, ['Org1MSP', 'alice', 'A1'])));
      assert.ok(world.get(tx.ctx.stub.createCompositeKey(TYPE_INDEX, ['container', 'A1'])));
      assert.equal(tx.events.length, 1);
      assert.deepEqual(tx.event, { name: 'AssetCreated', payload: { asset: result } });
      assert.equal(tx.privateWrites.size, 0);
    });

    it('keeps private details in the owner org implicit collection and only their hash in public', async () => {
      const { result, tx } = await create('A1', { transient: { privateDetails: appraisal } });
      const canonical = '{"appraisedValue":1200,"currency":"EUR"}';
      const expectedHash = createHash('sha256').update(canonical).digest('hex');
      assert.equal(result.privateDetailsHash, expectedHash);
      assert.equal(
        world.privateState
          .get('_implicit_org_Org1MSP')
          ?.get(detailsKey(tx.ctx, 'A1', expectedHash))
          ?.toString(),
        canonical,
      );
      assert.equal(tx.privateWrites.size, 0, 'the consortium transaction writes no private data');
      assert.doesNotMatch(world.get(assetKey(tx, 'A1')) ?? '', /appraisedValue/);
      assert.doesNotMatch(JSON.stringify(tx.event), /appraisedValue/);
    });

    it('rejects an existing id with ALREADY_EXISTS', async () => {
      await create('A1');
      await rejectsWith(create('A1', {}, org2Carol), 'ALREADY_EXISTS');
    });

    it('validates every argument', async () => {
      const attempt = (
        id: string,
        type: string,
        ownerId: string,
        attrs: string,
        transient?: Record<string, string>,
      ) =>
        world.submit(org1Alice, (ctx) => contract.CreateAsset(ctx, id, type, ownerId, attrs), {
          transient,
        });
      await rejectsWith(attempt('', 'container', 'alice', '{}'), 'INVALID_ARGUMENT', 'id');
      await rejectsWith(attempt('A 1', 'container', 'alice', '{}'), 'INVALID_ARGUMENT', 'id');
      await rejectsWith(attempt('A1', '', 'alice', '{}'), 'INVALID_ARGUMENT', 'type');
      await rejectsWith(attempt('A1', 'container', '', '{}'), 'INVALID_ARGUMENT', 'ownerId');
      await rejectsWith(
        attempt('A1', 'container', 'alice', '[1,2]'),
        'INVALID_ARGUMENT',
        'attributesJson',
      );
      await rejectsWith(
        attempt('A1', 'container', 'alice', 'not json'),
        'INVALID_ARGUMENT',
        'attributesJson',
      );
      await rejectsWith(
        attempt('A1', 'container', 'alice', '{}', { privateDetails: '42' }),
        'INVALID_ARGUMENT',
        'privateDetails',
      );
      assert.deepEqual(world.keys(), []);
    });

    it('rejects a replayed request id with DUPLICATE_REQUEST before any other check', async () => {
      const options = { transient: { requestId: 'relay-7f3a' } };
      const first = await create('A1', options);
      assert.deepEqual(first.tx.event?.payload, { asset: first.result, requestId: 'relay-7f3a' });
      // The asset now exists, but the caller learns that its own request went through.
      const body = await rejectsWith(create('A1', options), 'DUPLICATE_REQUEST', 'requestId');
      assert.match(body.message, new RegExp(first.tx.txId));
      // A fresh id for a new asset works.
      await create('A2', { transient: { requestId: 'relay-7f3b' } });
    });
    it("echoes the relay's correlation id in the event, and leaves a malformed one out", async () => {
      const traced = await create('A1', {
        transient: { requestId: 'relay-1', correlationId: 'portal-req-42' },
      });
      assert.deepEqual(traced.tx.event?.payload, {
        asset: traced.result,
        correlationId: 'portal-req-42',
        requestId: 'relay-1',
      });
      const untraced = await create('A2', { transient: { correlationId: 'has spaces' } });
      assert.deepEqual(untraced.tx.event?.payload, { asset: untraced.result });
    });
  });

  describe('ReadAsset and AssetExists', () => {
    it('reports NOT_FOUND and false for a missing asset', async () => {
      await rejectsWith(read('nope'), 'NOT_FOUND');
      assert.equal(
        await world.evaluate(org2Carol, (ctx) => contract.AssetExists(ctx, 'nope')),
        false,
      );
      await create('A1');
      assert.equal(await world.evaluate(org2Carol, (ctx) => contract.AssetExists(ctx, 'A1')), true);
      await rejectsWith(
        world.evaluate(org2Carol, (ctx) => contract.AssetExists(ctx, '')),
        'INVALID_ARGUMENT',
        'id',
      );
    });

    it('lets any consortium member read public data', async () => {
      await create('A1');
      assert.equal((await read('A1', org2Carol)).owner.mspId, 'Org1MSP');
    });
  });

  describe('UpdateAsset', () => {
    it('replaces attributes and status for the owner org', async () => {
      const created = (await create('A1', { transient: { privateDetails: appraisal } })).result;
      const { result, tx } = await world.submit(org1Bob, (ctx) =>
        contract.UpdateAsset(ctx, 'A1', '{"color":"red"}', 'IN_TRANSIT', ''),
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
      const staged = await world.submit(
        org1Alice,
        (ctx) => contract.StageAssetPrivateDetails(ctx, 'A1'),
        { transient: { privateDetails: details } },
      );
      const { result, tx } = await world.submit(
        org1Alice,
        (ctx) => contract.UpdateAsset(ctx, 'A1', '{}', 'ACTIVE', ''),
        { transient: { privateDetailsHash: staged.result } },
      );
      assert.equal(result.privateDetailsHash, hashDetails({ appraisedValue: 900 }));
      assert.equal(tx.privateWrites.size, 0);
      assert.equal(
        world.privateState
          .get(implicitCollection('Org1MSP'))
          ?.get(detailsKey(tx.ctx, 'A1', result.privateDetailsHash))
          ?.toString(),
        details,
      );
    });

    it('denies other organizations with FORBIDDEN', async () => {
      await create('A1');
      await rejectsWith(
        world.submit(org2Carol, (ctx) => contract.UpdateAsset(ctx, 'A1', '{}', 'ACTIVE', '')),
        'FORBIDDEN',
      );
    });

    it('validates its arguments and the asset', async () => {
      await create('A1');
      const update = (id: string, attrs: string, status: string) =>
        world.submit(org1Alice, (ctx) => contract.UpdateAsset(ctx, id, attrs, status, ''));
      await rejectsWith(update('A1', '{}', 'active'), 'INVALID_ARGUMENT', 'status');
      await rejectsWith(update('A1', '{}', ''), 'INVALID_ARGUMENT', 'status');
      await rejectsWith(update('A1', '"x"', 'ACTIVE'), 'INVALID_ARGUMENT', 'attributesJson');
      await rejectsWith(update('missing', '{}', 'ACTIVE'), 'NOT_FOUND');
    });
  });

  describe('TransferAsset', () => {
    it('moves the asset to another org, its owner index, and clears the private details hash', async () => {
      await create('A1', { transient: { privateDetails: appraisal } });
      const { result, tx } = await world.submit(org1Alice, (ctx) =>
        contract.TransferAsset(ctx, 'A1', 'Org2MSP', 'carol', ''),
      );
      assert.deepEqual(result.owner, { mspId: 'Org2MSP', ownerId: 'carol' });
      assert.equal(result.privateDetailsHash, '');
      // The old owner's copy stays in its own collection (see asset-private-details.test.ts).
      assert.equal(tx.privateWrites.size, 0);
      assert.equal(
        world.get(tx.ctx.stub.createCompositeKey(OWNER_INDEX, ['Org1MSP', 'alice', 'A1'])),
        undefined,
      );
      assert.ok(world.get(tx.ctx.stub.createCompositeKey(OWNER_INDEX, ['Org2MSP', 'carol', 'A1'])));
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
        world.submit(org1Alice, (ctx) => contract.UpdateAsset(ctx, 'A1', '{}', 'ACTIVE', '')),
        'FORBIDDEN',
      );
      await world.submit(org2Carol, (ctx) => contract.UpdateAsset(ctx, 'A1', '{}', 'RECEIVED', ''));
    });

    it('keeps private details when the asset stays in the organization', async () => {
      const created = (await create('A1', { transient: { privateDetails: appraisal } })).result;
      const { result, tx } = await world.submit(org1Alice, (ctx) =>
        contract.TransferAsset(ctx, 'A1', 'Org1MSP', 'bob', ''),
      );
      assert.equal(result.privateDetailsHash, created.privateDetailsHash);
      assert.equal(tx.privateWrites.size, 0);
    });

    it('does not touch private data when there is none', async () => {
      await create('A1');
      const { tx } = await world.submit(org1Alice, (ctx) =>
        contract.TransferAsset(ctx, 'A1', 'Org2MSP', 'carol', ''),
      );
      assert.equal(tx.stub.deletePrivateData.callCount, 0);
    });

    it('rejects a transfer to the current owner, by another org, or of a missing asset', async () => {
      await create('A1');
      const transfer = (caller: typeof org1Alice, id: string, msp: string, owner: string) =>
        world.submit(caller, (ctx) => contract.TransferAsset(ctx, id, msp, owner, ''));
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
        world.submit(org2Carol, (ctx) => contract.DeleteAsset(ctx, 'A1', '')),
        'FORBIDDEN',
      );
      const { tx } = await world.submit(org1Bob, (ctx) => contract.DeleteAsset(ctx, 'A1', ''), {
        transient: { requestId: 'del-1' },
      });
      assert.deepEqual(world.keys(), [requestKey(tx.ctx, 'del-1')]);
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
        world.submit(org1Bob, (ctx) => contract.DeleteAsset(ctx, 'A1', '')),
        'NOT_FOUND',
      );
    });

    it('skips private data when the asset has none', async () => {
      await create('A1');
      const { tx } = await world.submit(org1Alice, (ctx) => contract.DeleteAsset(ctx, 'A1', ''));
      assert.equal(tx.stub.deletePrivateData.callCount, 0);
    });
  });

  describe('GetAssetHistory', () => {
    const history = (id: string, pageSize = 100, bookmark = '') =>
      world.evaluate(org2Carol, (ctx) => contract.GetAssetHistory(ctx, id, pageSize, bookmark));

    it('lists every version with txId, timestamp and deletion flag', async () => {
      const created = await create('A1');
      const updated = await world.submit(org1Alice, (ctx) =>
        contract.UpdateAsset(ctx, 'A1', '{}', 'SOLD', ''),
      );
      const deleted = await world.submit(org1Alice, (ctx) => contract.DeleteAsset(ctx, 'A1', ''));
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
        const { tx } = await world.submit(org1Alice, (ctx) =>
          contract.UpdateAsset(ctx, 'A1', `{"n":${i}}`, 'ACTIVE', ''),
        );
        txIds.push(tx.txId);
      }
      const probe = world.begin(org2Carol);
      const first = await contract.GetAssetHistory(probe.ctx, 'A1', 3, '');
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

  describe('expected owner', () => {
    beforeEach(async () => {
      await create('A1');
    });

    const transfer = (expectedOwnerId: string, to = 'carol') =>
      world.submit(org1Bob, (ctx) =>
        contract.TransferAsset(ctx, 'A1', 'Org2MSP', to, expectedOwnerId),
      );

    it('lets a write through when the ledger owner is the expected one', async () => {
      const { result } = await world.submit(org1Bob, (ctx) =>
        contract.UpdateAsset(ctx, 'A1', '{}', 'SOLD', 'alice'),
      );
      assert.equal(result.status, 'SOLD');
      await transfer('alice');
      assert.deepEqual((await read('A1')).owner, { mspId: 'Org2MSP', ownerId: 'carol' });
    });

    it('refuses update, transfer and delete authorized against another owner', async () => {
      const body = await rejectsWith(
        world.submit(org1Alice, (ctx) => contract.UpdateAsset(ctx, 'A1', '{}', 'SOLD', 'bob')),
        'OWNER_MISMATCH',
        'expectedOwnerId',
      );
      assert.match(body.message, /asset A1 is owned by alice, not bob/);
      await rejectsWith(transfer('bob'), 'OWNER_MISMATCH', 'expectedOwnerId');
      await rejectsWith(
        world.submit(org1Alice, (ctx) => contract.DeleteAsset(ctx, 'A1', 'bob')),
        'OWNER_MISMATCH',
        'expectedOwnerId',
      );
      assert.equal((await read('A1')).status, 'ACTIVE');
    });

    it('still checks the organization first', async () => {
      await rejectsWith(
        world.submit(org2Carol, (ctx) => contract.DeleteAsset(ctx, 'A1', 'alice')),
        'FORBIDDEN',
      );
    });

    it('lets only the first of two queued transfers by the same owner commit', async () => {
      // Both accepted while alice owned A1; bob is in her organization, so only
      // the owner check can stop the second one.
      const inOrg = (to: string) =>
        world.submit(org1Alice, (ctx) => contract.TransferAsset(ctx, 'A1', 'Org1MSP', to, 'alice'));
      await inOrg('bob');
      await rejectsWith(inOrg('dave'), 'OWNER_MISMATCH');
      assert.equal((await read('A1')).owner.ownerId, 'bob');
      // Endorsed against the same state and ordered into one block.
      await create('A2');
      const first = world.begin(org1Alice);
      const second = world.begin(org1Alice);
      await contract.TransferAsset(first.ctx, 'A2', 'Org1MSP', 'bob', 'alice');
      await contract.TransferAsset(second.ctx, 'A2', 'Org1MSP', 'dave', 'alice');
      assert.equal(world.commit(first), 'VALID');
      assert.equal(world.commit(second), 'MVCC_READ_CONFLICT');
      assert.equal((await read('A2')).owner.ownerId, 'bob');
    });

    it('validates expectedOwnerId', async () => {
      await rejectsWith(transfer('a b'), 'INVALID_ARGUMENT', 'expectedOwnerId');
      await rejectsWith(
        world.submit(org1Alice, (ctx) =>
          contract.UpdateAsset(ctx, 'A1', '{}', 'SOLD', undefined as unknown as string),
        ),
        'INVALID_ARGUMENT',
        'expectedOwnerId',
      );
      await rejectsWith(
        world.submit(org1Alice, (ctx) => contract.DeleteAsset(ctx, 'A1', '-x')),
        'INVALID_ARGUMENT',
        'expectedOwnerId',
      );
    });

    it('makes the expected owner part of the request id check', async () => {
      const transient = { requestId: 'relay-9' };
      await world.submit(org1Alice, (ctx) => contract.UpdateAsset(ctx, 'A1', '{}', 'SOLD', ''), {
        transient,
      });
      await rejectsWith(
        world.submit(org1Alice, (ctx) => contract.UpdateAsset(ctx, 'A1', '{}', 'SOLD', 'alice'), {
          transient,
        }),
        'REQUEST_ID_CONFLICT',
        'requestId',
      );
      await rejectsWith(
        world.submit(org1Alice, (ctx) => contract.UpdateAsset(ctx, 'A1', '{}', 'SOLD', ''), {
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
        contract.QueryAssetsByOwner(ctx, 'Org1MSP', 'alice', 2, bookmark);
      const first = await world.evaluate(org2Carol, byOwner(''));
      assert.deepEqual(ids(first), ['A1', 'A2']);
      assert.equal(first.fetchedRecordsCount, 2);
      const second = await world.evaluate(org2Carol, byOwner(first.bookmark));
      assert.deepEqual(ids(second), ['A4', 'A5']);
      assert.equal(second.bookmark, '');
    });

    it('lists a whole organization when ownerId is empty', async () => {
      const page = await world.evaluate(org1Alice, (ctx) =>
        contract.QueryAssetsByOwner(ctx, 'Org1MSP', '', 50, ''),
      );
      assert.deepEqual(ids(page), ['A1', 'A2', 'A4', 'A5', 'A3']);
    });

    it('pages through a type across organizations', async () => {
      const first = await world.evaluate(org1Alice, (ctx) =>
        contract.QueryAssetsByType(ctx, 'container', 3, ''),
      );
      assert.deepEqual(ids(first), ['A1', 'A3', 'A4']);
      const rest = await world.evaluate(org1Alice, (ctx) =>
        contract.QueryAssetsByType(ctx, 'container', 3, first.bookmark),
      );
      assert.deepEqual(ids(rest), ['A5', 'B1']);
      assert.equal(rest.bookmark, '');
    });

    it('follows a moved asset to its new owner', async () => {
      await world.submit(org1Alice, (ctx) =>
        contract.TransferAsset(ctx, 'A1', 'Org2MSP', 'carol', ''),
      );
      const org2 = await world.evaluate(org2Carol, (ctx) =>
        contract.QueryAssetsByOwner(ctx, 'Org2MSP', 'carol', 10, ''),
      );
      assert.deepEqual(ids(org2), ['A1', 'B1']);
    });

    it('skips an index entry whose asset is gone', async () => {
      await world.submit(org1Alice, async (ctx) => {
        await ctx.stub.putState(
          ctx.stub.createCompositeKey(TYPE_INDEX, ['pallet', 'ghost']),
          Buffer.from([0]),
        );
      });
      const page = await world.evaluate(org1Alice, (ctx) =>
        contract.QueryAssetsByType(ctx, 'pallet', 10, ''),
      );
      assert.deepEqual(ids(page), ['A2']);
    });

    it('validates query arguments', async () => {
      await rejectsWith(
        world.evaluate(org1Alice, (ctx) => contract.QueryAssetsByOwner(ctx, '', 'alice', 10, '')),
        'INVALID_ARGUMENT',
        'ownerMspId',
      );
      await rejectsWith(
        world.evaluate(org1Alice, (ctx) =>
          contract.QueryAssetsByOwner(ctx, 'Org1MSP', 'a b', 10, ''),
        ),
        'INVALID_ARGUMENT',
        'ownerId',
      );
      await rejectsWith(
        world.evaluate(org1Alice, (ctx) => contract.QueryAssetsByType(ctx, 'container', 0, '')),
        'INVALID_ARGUMENT',
        'pageSize',
      );
      await rejectsWith(
        world.evaluate(org1Alice, (ctx) => contract.QueryAssetsByType(ctx, '', 10, '')),
        'INVALID_ARGUMENT',
        'type',
      );
    });

    it('runs rich queries restricted to assets', async () => {
      const page = await world.evaluate(org1Alice, (ctx) =>
        contract.QueryAssets(
          ctx,
          '{"owner.ownerId":"alice","type":"container","docType":"other"}',
          2,
          '',
        ),
      );
      assert.deepEqual(ids(page), ['A1', 'A4']);
      const next = await world.evaluate(org1Alice, (ctx) =>
        contract.QueryAssets(ctx, '{"owner.ownerId":"alice","type":"container"}', 2, page.bookmark),
      );
      assert.deepEqual(ids(next), ['A5']);
      await rejectsWith(
        world.evaluate(org1Alice, (ctx) => contract.QueryAssets(ctx, '[]', 2, '')),
        'INVALID_ARGUMENT',
        'selectorJson',
      );
    });

    it('sends CouchDB a canonical query that forces docType', async () => {
      const tx = world.begin(org1Alice);
      await contract.QueryAssets(tx.ctx, '{"type":"pallet","docType":"x"}', 5, '');
      assert.deepEqual(tx.stub.getQueryResultWithPagination.firstCall.args, [
        '{"selector":{"docType":"asset","type":"pallet"}}',
        5,
        '',
      ]);
    });

    it('cannot be part of an update transaction', async () => {
      const tx = world.begin(org1Alice);
      await contract.QueryAssetsByType(tx.ctx, 'container', 2, '');
      await tx.ctx.stub.putState('x', Buffer.from('1'));
      assert.equal(world.commit(tx), 'PAGINATION_IN_UPDATE');
    });
  });

  describe('private details', () => {
    beforeEach(async () => {
      await create('A1', { transient: { privateDetails: appraisal } });
      await create('A2');
    });

    it('are readable by the owner org on its own peer', async () => {
      const details = await world.evaluate(org1Bob, (ctx) =>
        contract.ReadAssetPrivateDetails(ctx, 'A1'),
      );
      assert.deepEqual(details, {
        assetId: 'A1',
        details: { appraisedValue: 1200, currency: 'EUR' },
        hash: (await read('A1')).privateDetailsHash,
      });
    });

    it('are refused to other organizations', async () => {
      await rejectsWith(
        world.evaluate(org2Carol, (ctx) => contract.ReadAssetPrivateDetails(ctx, 'A1')),
        'FORBIDDEN',
      );
      // Even when Org2 asks an Org1 peer.
      await rejectsWith(
        world.evaluate(org2Carol, (ctx) => contract.ReadAssetPrivateDetails(ctx, 'A1'), {
          peerMspId: 'Org1MSP',
        }),
        'FORBIDDEN',
      );
    });

    it('are refused on a peer of another organization', async () => {
      const body = await rejectsWith(
        world.evaluate(org1Alice, (ctx) => contract.ReadAssetPrivateDetails(ctx, 'A1'), {
          peerMspId: 'Org2MSP',
        }),
        'FORBIDDEN',
      );
      assert.match(body.message, /peer of Org1MSP/);
    });

    it('report NOT_FOUND when the asset has none', async () => {
      await rejectsWith(
        world.evaluate(org1Alice, (ctx) => contract.ReadAssetPrivateDetails(ctx, 'A2')),
        'NOT_FOUND',
      );
      await rejectsWith(
        world.evaluate(org1Alice, (ctx) => contract.ReadAssetPrivateDetails(ctx, 'A9')),
        'NOT_FOUND',
      );
    });

    it('can be checked against the public hash by anyone', async () => {
      const verify = (id: string, json: string) =>
        world.evaluate(org2Carol, (ctx) => contract.VerifyAssetPrivateDetails(ctx, id, json));
      // Key order does not matter: the hash is over canonical JSON.
      assert.equal(await verify('A1', '{"currency":"EUR","appraisedValue":1200}'), true);
      assert.equal(await verify('A1', '{"currency":"EUR","appraisedValue":1201}'), false);
      assert.equal(await verify('A2', '{}'), false);
      await rejectsWith(verify('A1', 'nope'), 'INVALID_ARGUMENT', 'detailsJson');
    });
  });

  it('answers an unknown function with UNKNOWN_FUNCTION', async () => {
    await rejectsWith(
      world.evaluate(org1Alice, (ctx) => contract.unknownTransaction(ctx), {
        function: 'AssetContract:Nope',
      }),
      'UNKNOWN_FUNCTION',
    );
  });

  it('emits exactly one event in every submit function', async () => {
    const results = [
      await create('E1'),
      await world.submit(org1Alice, (ctx) => contract.UpdateAsset(ctx, 'E1', '{}', 'ACTIVE', '')),
      await world.submit(org1Alice, (ctx) =>
        contract.TransferAsset(ctx, 'E1', 'Org2MSP', 'carol', ''),
      ),
      await world.submit(org2Carol, (ctx) => contract.DeleteAsset(ctx, 'E1', '')),
    ];
    assert.deepEqual(
      results.map(({ tx }) => tx.events.map((event) => event.name)),
      [['AssetCreated'], ['AssetUpdated'], ['AssetTransferred'], ['AssetDeleted']],
    );
  });
});
