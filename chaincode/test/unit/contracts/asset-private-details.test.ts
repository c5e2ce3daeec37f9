import assert from 'node:assert/strict';
import { rejectsWith } from '../../support/assertions';
import { org1Alice, org1Bob, org2Carol, appraisal, assetFixture } from './asset-fixture';

describe('AssetContract', () => {
  const fx = assetFixture();
  const { create, read } = fx;

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
});
