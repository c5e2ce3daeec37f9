// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { rejectsWith } from '../../support/assertions';
import { identity, type SimulatedTx } from '../../support/world-state';
import { org1Alice, org2Carol, account, tokenFixture } from './token-fixture';

describe('TokenContract', () => {
  const fx = tokenFixture();
  const { initialize, mint, transfer, balance, supply, consolidate, keysOf } = fx;

  describe('Transfer', () => {
    beforeEach(async () => {
      await initialize('', 6);
      await mint(org1Alice, '100');
    });

    it('moves an exact amount and emits TokensTransferred', async () => {
      const { tx } = await transfer(org1Alice, org2Carol, '0.000001');
      assert.deepEqual(tx.events, [
        {
          name: 'TokensTransferred',
          payload: { amount: '0.000001', from: account(org1Alice), to: account(org2Carol) },
        },
      ]);
      assert.equal(await balance(org1Alice), '99.999999');
      assert.equal(await balance(org2Carol), '0.000001');
      assert.equal(await supply(), '100');
    });

    it('rejects overdrafts with INSUFFICIENT_FUNDS', async () => {
      const body = await rejectsWith(
        transfer(org1Alice, org2Carol, '100.000001'),
        'INSUFFICIENT_FUNDS',
        'amount',
      );
      assert.match(body.message, /balance of 100 is below 100.000001/);
      await rejectsWith(transfer(org2Carol, org1Alice, '1'), 'INSUFFICIENT_FUNDS');
    });

    it('rejects self transfers, bad recipients and malformed amounts', async () => {
      await rejectsWith(transfer(org1Alice, org1Alice, '1'), 'INVALID_ARGUMENT', 'recipient');
      await rejectsWith(
        fx.world.submit(org1Alice, (ctx) =>
          fx.contract.Transfer(ctx, account(org2Carol).toUpperCase(), '1'),
        ),
        'INVALID_ARGUMENT',
        'recipient',
      );
      for (const amount of ['1e3', '0x10', ' 1', '1 ', '-5', '1.0000001', 'abc', '0']) {
        await rejectsWith(transfer(org1Alice, org2Carol, amount), 'INVALID_ARGUMENT', 'amount');
      }
    });

    it('never reads the recipient: a credit is a blind write of a per-transaction key', async () => {
      const { tx } = await transfer(org1Alice, org2Carol, '1');
      const recipient = account(org2Carol);
      for (const call of tx.stub.getState.getCalls()) {
        assert.equal(
          String(call.args[0]).includes(recipient),
          false,
          'getState on a recipient key',
        );
      }
      for (const call of tx.stub.getStateByPartialCompositeKey.getCalls()) {
        assert.equal(call.args[1].includes(recipient), false, 'range read on a recipient key');
      }
      const creditKey = tx.ctx.stub.createCompositeKey('credit', [recipient, tx.txId]);
      assert.equal(tx.writes.get(creditKey)?.toString(), '1000000');
      assert.equal(
        [...tx.reads.keys()].some((key) => key.includes(recipient)),
        false,
      );
    });

    it('consolidates pending credits into the balance key when the account is debited', async () => {
      await transfer(org1Alice, org2Carol, '1');
      await transfer(org1Alice, org2Carol, '2');
      const carol = account(org2Carol);
      const credits = (tx: SimulatedTx) =>
        fx.world
          .keys()
          .filter((key) => key.startsWith(tx.ctx.stub.createCompositeKey('credit', [carol])));
      const probe = fx.world.begin(org2Carol);
      assert.equal(credits(probe).length, 2);
      const { tx } = await transfer(org2Carol, org1Alice, '0.5');
      assert.equal(credits(tx).length, 0);
      assert.equal(fx.world.get(tx.ctx.stub.createCompositeKey('balance', [carol])), '2500000');
      assert.equal(await balance(org2Carol), '2.5');
      // Spending everything removes the balance key.
      await transfer(org2Carol, org1Alice, '2.5');
      assert.equal(fx.world.get(tx.ctx.stub.createCompositeKey('balance', [carol])), undefined);
      assert.equal(await balance(org2Carol), '0');
      assert.equal(await balance(org1Alice), '100');
    });

    it('commits 50 concurrent transfers to one hot account', async () => {
      const hot = identity('Org2MSP', 'merchant');
      const senders = Array.from({ length: 50 }, (_, i) =>
        identity(i % 2 ? 'Org1MSP' : 'Org2MSP', `payer${i}`),
      );
      for (const sender of senders) {
        await mint(sender, '2');
      }
      // Every transaction is endorsed against the same snapshot, then all are ordered into one block.
      const txs = senders.map((sender) => fx.world.begin(sender));
      await Promise.all(
        txs.map((tx, i) =>
          fx.contract.Transfer(tx.ctx, account(hot), `1.${String(i).padStart(2, '0')}`),
        ),
      );
      const codes = txs.map((tx) => fx.world.commit(tx));
      assert.deepEqual(
        codes,
        senders.map(() => 'VALID'),
      );
      // 50 x 1 + (0 + 1 + ... + 49) / 100
      assert.equal(await balance(hot), '62.25');
      assert.equal(await supply(), '200');
    });

    it('still stops a double spend: concurrent debits of one account conflict', async () => {
      const first = fx.world.begin(org1Alice);
      const second = fx.world.begin(org1Alice);
      await fx.contract.Transfer(first.ctx, account(org2Carol), '80');
      await fx.contract.Transfer(second.ctx, account(org2Carol), '80');
      assert.equal(fx.world.commit(first), 'VALID');
      assert.notEqual(fx.world.commit(second), 'VALID');
      assert.equal(await balance(org2Carol), '80');
    });

    it('spends from the balance key without reading credits, so racing credits never conflict', async () => {
      await transfer(org1Alice, org2Carol, '10');
      await consolidate(org2Carol);
      const debit = fx.world.begin(org2Carol);
      const credit = fx.world.begin(org1Alice);
      await fx.contract.Transfer(debit.ctx, account(org1Alice), '5');
      await fx.contract.Transfer(credit.ctx, account(org2Carol), '5');
      assert.equal(debit.ranges.length, 0);
      // The credit to Carol commits first; Carol's debit read nothing it changed.
      assert.equal(fx.world.commit(credit), 'VALID');
      assert.equal(fx.world.commit(debit), 'VALID');
      assert.equal(await balance(org2Carol), '10');
    });

    it('keeps spending while other clients stream credits to the same account', async () => {
      const merchant = identity('Org2MSP', 'merchant');
      const payers = Array.from({ length: 8 }, (_, i) => identity('Org1MSP', `payer${i}`));
      await mint(merchant, '50');
      for (const payer of payers) {
        await mint(payer, '10');
      }
      await consolidate(merchant);
      for (let round = 0; round < 5; round++) {
        // Each block: the merchant's payment endorsed together with eight incoming ones.
        const spend = fx.world.begin(merchant);
        const payments = payers.map((payer) => fx.world.begin(payer));
        await fx.contract.Transfer(spend.ctx, account(org1Alice), '1');
        await Promise.all(
          payments.map((tx) => fx.contract.Transfer(tx.ctx, account(merchant), '0.5')),
        );
        assert.deepEqual(
          payments.map((tx) => fx.world.commit(tx)),
          payers.map(() => 'VALID'),
        );
        assert.equal(fx.world.commit(spend), 'VALID', `round ${round}`);
      }
      // 50 - 5 x 1 + 5 x 8 x 0.5
      assert.equal(await balance(merchant), '65');
      assert.equal(keysOf('credit', [account(merchant)]).length, 40);
    });

    it('folds pending credits only when the balance key alone cannot cover a debit', async () => {
      await transfer(org1Alice, org2Carol, '10');
      // Carol's balance key is empty: her debit folds her credits (a range read),
      // so a credit committed first invalidates it, as the README documents.
      const debit = fx.world.begin(org2Carol);
      const credit = fx.world.begin(org1Alice);
      await fx.contract.Transfer(debit.ctx, account(org1Alice), '5');
      await fx.contract.Transfer(credit.ctx, account(org2Carol), '5');
      assert.equal(fx.world.commit(credit), 'VALID');
      assert.equal(fx.world.commit(debit), 'PHANTOM_READ_CONFLICT');
      assert.equal(await balance(org2Carol), '15');
    });

    it('rejects a replayed request id without moving funds twice', async () => {
      await transfer(org1Alice, org2Carol, '5', 'pay-42');
      await rejectsWith(
        transfer(org1Alice, org2Carol, '5', 'pay-42'),
        'DUPLICATE_REQUEST',
        'requestId',
      );
      assert.equal(await balance(org2Carol), '5');
      await rejectsWith(
        transfer(org1Alice, org2Carol, '6', 'pay-42'),
        'REQUEST_ID_CONFLICT',
        'requestId',
      );
      const retry = await transfer(org1Alice, org2Carol, '5', 'pay-43');
      assert.deepEqual(retry.tx.event?.payload, {
        amount: '5',
        from: account(org1Alice),
        requestId: 'pay-43',
        to: account(org2Carol),
      });
    });
  });
});
