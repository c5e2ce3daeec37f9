// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { MAX_AMOUNT } from '../../../src/common/amounts';
import { rejectsWith } from '../../support/assertions';
import { identity } from '../../support/world-state';
import { admin, org1Alice, org2Carol, org2Minter, account, tokenFixture } from './token-fixture';

describe('TokenContract', () => {
  const fx = tokenFixture();
  const { initialize, mint, balance, supply, keysOf } = fx;

  describe('Mint, Burn and TotalSupply', () => {
    it('credits the recipient and counts the supply', async () => {
      await initialize('100');
      const { tx } = await mint(org1Alice, '60.25');
      assert.deepEqual(tx.events, [
        {
          name: 'TokensMinted',
          payload: { amount: '60.25', minter: account(admin), to: account(org1Alice) },
        },
      ]);
      await mint(org2Carol, '39.75');
      assert.equal(await balance(org1Alice), '60.25');
      assert.equal(await balance(org2Carol), '39.75');
      assert.equal(await supply(), '100');
    });

    it('enforces the cap on cumulative issuance with CAP_EXCEEDED', async () => {
      await initialize('10');
      await mint(org1Alice, '10');
      await rejectsWith(mint(org1Alice, '0.01'), 'CAP_EXCEEDED', 'amount');
    });

    it('rejects supply beyond 2^255 - 1 base units', async () => {
      await initialize('', 0);
      await mint(org1Alice, MAX_AMOUNT.toString());
      await rejectsWith(mint(org1Alice, '1'), 'CAP_EXCEEDED');
      await rejectsWith(
        mint(org1Alice, (MAX_AMOUNT + 1n).toString()),
        'INVALID_ARGUMENT',
        'amount',
      );
      assert.equal(await supply(), MAX_AMOUNT.toString());
    });

    it('validates recipient and amount', async () => {
      await initialize();
      await rejectsWith(
        fx.world.submit(admin, (ctx) => fx.contract.Mint(ctx, 'not-an-account', '1')),
        'INVALID_ARGUMENT',
        'recipient',
      );
      for (const amount of ['1e3', '0x10', ' 1', '-1', '0', '1.001', '']) {
        await rejectsWith(mint(org1Alice, amount), 'INVALID_ARGUMENT', 'amount');
      }
    });

    it('burns from the caller account and lowers the supply without touching the minted key', async () => {
      await initialize();
      await mint(admin, '10');
      const { tx } = await fx.world.submit(admin, (ctx) => fx.contract.Burn(ctx, '3.5'));
      assert.deepEqual(tx.events, [
        { name: 'TokensBurned', payload: { amount: '3.5', from: account(admin) } },
      ]);
      const mintedKey = tx.ctx.stub.createCompositeKey('token', ['minted']);
      assert.equal(tx.writes.has(mintedKey), false);
      assert.equal(await balance(admin), '6.5');
      assert.equal(await supply(), '6.5');
      await rejectsWith(
        fx.world.submit(admin, (ctx) => fx.contract.Burn(ctx, '7')),
        'INSUFFICIENT_FUNDS',
        'amount',
      );
      await rejectsWith(
        fx.world.submit(admin, (ctx) => fx.contract.Burn(ctx, '-1')),
        'INVALID_ARGUMENT',
        'amount',
      );
    });

    it('serialises concurrent mints on the minted key (documented trade-off)', async () => {
      await initialize();
      const first = fx.world.begin(admin);
      const second = fx.world.begin(admin);
      await fx.contract.Mint(first.ctx, account(org1Alice), '1');
      await fx.contract.Mint(second.ctx, account(org2Carol), '1');
      assert.equal(fx.world.commit(first), 'VALID');
      assert.equal(fx.world.commit(second), 'MVCC_READ_CONFLICT');
    });

    it('keeps a running burned total per account, so TotalSupply reads no burn records', async () => {
      await initialize('', 0);
      await mint(admin, '100');
      for (let i = 0; i < 5; i++) {
        await fx.world.submit(admin, (ctx) => fx.contract.Burn(ctx, '3'));
      }
      assert.deepEqual(keysOf('burned'), keysOf('burned', [account(admin)]));
      assert.equal(fx.world.get(keysOf('burned')[0] ?? ''), '15');
      const probe = fx.world.begin(org2Carol);
      assert.equal(await fx.contract.TotalSupply(probe.ctx), '85');
      // One key per burning account, whatever the number of burns.
      assert.deepEqual(
        probe.ranges.map((range) => range.prefix),
        [probe.ctx.stub.createCompositeKey('burned', [])],
      );
      assert.equal(
        (await fx.world.evaluate(admin, (ctx) => fx.contract.GetTokenInfo(ctx))).totalSupply,
        '85',
      );
    });

    it('lets concurrent burns by different holders all commit', async () => {
      await initialize('', 0);
      await fx.world.submit(admin, (ctx) =>
        fx.contract.SetMinterRule(ctx, [], 'consortia.minter', 'true'),
      );
      const burners = Array.from({ length: 5 }, (_, i) =>
        identity('Org2MSP', `burner${i}`, { 'consortia.minter': 'true' }),
      );
      for (const burner of burners) {
        await mint(burner, '10', org2Minter);
      }
      const txs = burners.map((burner) => fx.world.begin(burner));
      await Promise.all(txs.map((tx) => fx.contract.Burn(tx.ctx, '4')));
      assert.deepEqual(
        txs.map((tx) => fx.world.commit(tx)),
        burners.map(() => 'VALID'),
      );
      assert.equal(await supply(), '30');
    });
  });
});
