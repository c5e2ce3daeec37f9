// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { OWNER_INDEX, TYPE_INDEX } from '../../../src/contracts/asset-contract';
import { detailsKey } from '../../../src/contracts/asset-private-details';
import { rejectsWith } from '../../support/assertions';
import { org1Alice, org1Bob, org2Carol, appraisal, assetKey, assetFixture } from './asset-fixture';

describe('AssetContract', () => {
  const fx = assetFixture();
  const { create, read } = fx;

  it('is named AssetContract', () => {
    assert.equal(fx.contract.getName(), 'AssetContract');
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
        fx.world
          .get(assetKey(tx, 'A1'))
          ?.startsWith('{"attributes":{"color":"blue","size":20},"createdAt"'),
        true,
      );
      assert.ok(
        fx.world.get(tx.ctx.stub.createCompositeKey(OWNER_INDEX, ['Org1MSP', 'alice', 'A1'])),
      );
      assert.ok(fx.world.get(tx.ctx.stub.createCompositeKey(TYPE_INDEX, ['container', 'A1'])));
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
        fx.world.privateState
          .get('_implicit_org_Org1MSP')
          ?.get(detailsKey(tx.ctx, 'A1', expectedHash))
          ?.toString(),
        canonical,
      );
      assert.equal(tx.privateWrites.size, 0, 'the consortium transaction writes no private data');
      assert.doesNotMatch(fx.world.get(assetKey(tx, 'A1')) ?? '', /appraisedValue/);
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
        fx.world.submit(
          org1Alice,
          (ctx) => fx.contract.CreateAsset(ctx, id, type, ownerId, attrs),
          {
            transient,
          },
        );
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
      assert.deepEqual(fx.world.keys(), []);
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
        await fx.world.evaluate(org2Carol, (ctx) => fx.contract.AssetExists(ctx, 'nope')),
        false,
      );
      await create('A1');
      assert.equal(
        await fx.world.evaluate(org2Carol, (ctx) => fx.contract.AssetExists(ctx, 'A1')),
        true,
      );
      await rejectsWith(
        fx.world.evaluate(org2Carol, (ctx) => fx.contract.AssetExists(ctx, '')),
        'INVALID_ARGUMENT',
        'id',
      );
    });

    it('lets any consortium member read public data', async () => {
      await create('A1');
      assert.equal((await read('A1', org2Carol)).owner.mspId, 'Org1MSP');
    });
  });

  describe('private details', () => {
    beforeEach(async () => {
      await create('A1', { transient: { privateDetails: appraisal } });
      await create('A2');
    });

    it('are readable by the owner org on its own peer', async () => {
      const details = await fx.world.evaluate(org1Bob, (ctx) =>
        fx.contract.ReadAssetPrivateDetails(ctx, 'A1'),
      );
      assert.deepEqual(details, {
        assetId: 'A1',
        details: { appraisedValue: 1200, currency: 'EUR' },
        hash: (await read('A1')).privateDetailsHash,
      });
    });

    it('are refused to other organizations', async () => {
      await rejectsWith(
        fx.world.evaluate(org2Carol, (ctx) => fx.contract.ReadAssetPrivateDetails(ctx, 'A1')),
        'FORBIDDEN',
      );
      // Even when Org2 asks an Org1 peer.
      await rejectsWith(
        fx.world.evaluate(org2Carol, (ctx) => fx.contract.ReadAssetPrivateDetails(ctx, 'A1'), {
          peerMspId: 'Org1MSP',
        }),
        'FORBIDDEN',
      );
    });

    it('are refused on a peer of another organization', async () => {
      const body = await rejectsWith(
        fx.world.evaluate(org1Alice, (ctx) => fx.contract.ReadAssetPrivateDetails(ctx, 'A1'), {
          peerMspId: 'Org2MSP',
        }),
        'FORBIDDEN',
      );
      assert.match(body.message, /peer of Org1MSP/);
    });

    it('report NOT_FOUND when the asset has none', async () => {
      await rejectsWith(
        fx.world.evaluate(org1Alice, (ctx) => fx.contract.ReadAssetPrivateDetails(ctx, 'A2')),
        'NOT_FOUND',
      );
      await rejectsWith(
        fx.world.evaluate(org1Alice, (ctx) => fx.contract.ReadAssetPrivateDetails(ctx, 'A9')),
        'NOT_FOUND',
      );
    });

    it('can be checked against the public hash by anyone', async () => {
      const verify = (id: string, json: string) =>
        fx.world.evaluate(org2Carol, (ctx) => fx.contract.VerifyAssetPrivateDetails(ctx, id, json));
      // Key order does not matter: the hash is over canonical JSON.
      assert.equal(await verify('A1', '{"currency":"EUR","appraisedValue":1200}'), true);
      assert.equal(await verify('A1', '{"currency":"EUR","appraisedValue":1201}'), false);
      assert.equal(await verify('A2', '{}'), false);
      await rejectsWith(verify('A1', 'nope'), 'INVALID_ARGUMENT', 'detailsJson');
    });
  });

  it('answers an unknown function with UNKNOWN_FUNCTION', async () => {
    await rejectsWith(
      fx.world.evaluate(org1Alice, (ctx) => fx.contract.unknownTransaction(ctx), {
        function: 'AssetContract:Nope',
      }),
      'UNKNOWN_FUNCTION',
    );
  });

  it('emits exactly one event in every submit function', async () => {
    const results = [
      await create('E1'),
      await fx.world.submit(org1Alice, (ctx) =>
        fx.contract.UpdateAsset(ctx, 'E1', '{}', 'ACTIVE', ''),
      ),
      await fx.world.submit(org1Alice, (ctx) =>
        fx.contract.TransferAsset(ctx, 'E1', 'Org2MSP', 'carol', ''),
      ),
      await fx.world.submit(org2Carol, (ctx) => fx.contract.DeleteAsset(ctx, 'E1', '')),
    ];
    assert.deepEqual(
      results.map(({ tx }) => tx.events.map((event) => event.name)),
      [['AssetCreated'], ['AssetUpdated'], ['AssetTransferred'], ['AssetDeleted']],
    );
  });
});
