// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { MAX_FOLD } from '../../../src/contracts/token-contract';
import { rejectsWith } from '../../support/assertions';
import { identity, type Identity } from '../../support/world-state';
import { org1Alice, org2Carol, account, tokenFixture } from './token-fixture';

describe('TokenContract', () => {
  const fx = tokenFixture();
  const { initialize, mint, transfer, balance, consolidate, keysOf } = fx;

  describe('Consolidate and PendingCredits', () => {
    const pending = (who: Identity, pageSize = 100, bookmark = '') =>
      fx.world.evaluate(org1Alice, (ctx) =>
        fx.contract.PendingCredits(ctx, account(who), pageSize, bookmark),
      );

    beforeEach(async () => {
      await initialize('', 2);
      await mint(org1Alice, '100');
    });

    it('lists pending credits a page at a time', async () => {
      const txIds = [];
      for (const amount of ['1', '2.5', '3']) {
        txIds.push((await transfer(org1Alice, org2Carol, amount)).tx.txId);
      }
      const first = await pending(org2Carol, 2);
      assert.equal(first.records.length, 2);
      const rest = await pending(org2Carol, 2, first.bookmark);
      assert.equal(rest.bookmark, '');
      const all = [...first.records, ...rest.records];
      assert.deepEqual(all.map((credit) => credit.txId).sort(), [...txIds].sort());
      assert.deepEqual(all.map((credit) => credit.amount).sort(), ['1', '2.5', '3']);
      await rejectsWith(pending(org2Carol, 101), 'INVALID_ARGUMENT', 'pageSize');
      await rejectsWith(
        fx.world.evaluate(org1Alice, (ctx) => fx.contract.PendingCredits(ctx, 'x', 10, '')),
        'INVALID_ARGUMENT',
        'account',
      );
    });

    it('folds named credits with point reads only, so new credits never conflict', async () => {
      const paid = (await transfer(org1Alice, org2Carol, '4')).tx.txId;
      const ids = (await pending(org2Carol)).records.map((credit) => credit.txId);
      assert.deepEqual(ids, [paid]);
      const folding = fx.world.begin(org2Carol);
      const incoming = fx.world.begin(org1Alice);
      const result = await fx.contract.Consolidate(folding.ctx, JSON.stringify(ids));
      await fx.contract.Transfer(incoming.ctx, account(org2Carol), '1');
      assert.equal(result, '4');
      assert.equal(folding.ranges.length, 0);
      assert.equal(fx.world.commit(incoming), 'VALID');
      assert.equal(fx.world.commit(folding), 'VALID');
      assert.deepEqual(folding.events, [
        {
          name: 'CreditsConsolidated',
          payload: { account: account(org2Carol), amount: '4', balance: '4', credits: 1 },
        },
      ]);
      assert.equal(await balance(org2Carol), '5');
      assert.equal((await pending(org2Carol)).records.length, 1);
      // A credit already folded, or unknown, is skipped.
      const again = await consolidate(org2Carol, [paid, 'ab'.repeat(32)]);
      assert.equal(again.result, '4');
      assert.equal(again.tx.writes.size, 0);
    });

    it('folds whatever is pending when no credit is named', async () => {
      await transfer(org1Alice, org2Carol, '1');
      await transfer(org1Alice, org2Carol, '2');
      const { result, tx } = await consolidate(org2Carol, [], 'fold-1');
      assert.equal(result, '3');
      assert.equal(tx.ranges.length, 1);
      assert.equal(keysOf('credit', [account(org2Carol)]).length, 0);
      assert.equal(fx.world.get(keysOf('balance', [account(org2Carol)])[0] ?? ''), '300');
      await rejectsWith(consolidate(org2Carol, [], 'fold-1'), 'DUPLICATE_REQUEST');
    });

    it('folds at most MAX_FOLD credits per transaction', async () => {
      const payers = Array.from({ length: MAX_FOLD + 2 }, (_, i) => identity('Org1MSP', `fan${i}`));
      for (const payer of payers) {
        await mint(payer, '1');
        await transfer(payer, org2Carol, '1');
      }
      // Carol owns nothing consolidated: a debit of everything cannot be covered in one go.
      const body = await rejectsWith(
        transfer(org2Carol, org1Alice, String(MAX_FOLD + 2)),
        'INSUFFICIENT_FUNDS',
      );
      assert.match(
        body.message,
        new RegExp(
          `balance of ${MAX_FOLD} is below ${MAX_FOLD + 2}; more than ${MAX_FOLD} credits are pending`,
        ),
      );
      await consolidate(org2Carol);
      assert.equal(keysOf('credit', [account(org2Carol)]).length, 2);
      await consolidate(org2Carol);
      await transfer(org2Carol, org1Alice, String(MAX_FOLD + 2));
      assert.equal(await balance(org2Carol), '0');
    });

    it('validates the credit ids', async () => {
      const attempt = (text: unknown) =>
        fx.world.submit(org2Carol, (ctx) => fx.contract.Consolidate(ctx, text as string));
      for (const ids of [
        'nope',
        '{"a":1}',
        7,
        JSON.stringify(['x']),
        JSON.stringify(['AB'.repeat(32)]),
        JSON.stringify(['ab'.repeat(32), 'ab'.repeat(32)]),
        JSON.stringify(
          Array.from({ length: MAX_FOLD + 1 }, (_, i) => i.toString(16).padStart(64, '0')),
        ),
      ]) {
        await rejectsWith(attempt(ids), 'INVALID_ARGUMENT', 'creditTxIdsJson');
      }
    });
  });

  describe('Approve, Allowance and TransferFrom', () => {
    const spender = identity('Org2MSP', 'spender');
    const allowance = () =>
      fx.world.evaluate(org2Carol, (ctx) =>
        fx.contract.Allowance(ctx, account(org1Alice), account(spender)),
      );
    const approve = (amount: string) =>
      fx.world.submit(org1Alice, (ctx) => fx.contract.Approve(ctx, account(spender), amount));
    const transferFrom = (from: Identity, to: Identity, amount: string) =>
      fx.world.submit(spender, (ctx) =>
        fx.contract.TransferFrom(ctx, account(from), account(to), amount),
      );

    beforeEach(async () => {
      await initialize();
      await mint(org1Alice, '50');
    });

    it('records and replaces allowances', async () => {
      assert.equal(await allowance(), '0');
      const { tx } = await approve('20');
      assert.deepEqual(tx.events, [
        {
          name: 'AllowanceApproved',
          payload: { amount: '20', owner: account(org1Alice), spender: account(spender) },
        },
      ]);
      assert.equal(await allowance(), '20');
      await approve('7.5');
      assert.equal(await allowance(), '7.5');
      const revoked = await approve('0');
      assert.equal(
        revoked.tx.writes.get(
          revoked.tx.ctx.stub.createCompositeKey('allowance', [
            account(org1Alice),
            account(spender),
          ]),
        ),
        null,
      );
      assert.equal(await allowance(), '0');
    });

    it('lets the spender move funds within the allowance', async () => {
      await approve('20');
      const { tx } = await transferFrom(org1Alice, org2Carol, '15');
      assert.deepEqual(tx.events, [
        {
          name: 'TokensTransferred',
          payload: {
            amount: '15',
            from: account(org1Alice),
            spender: account(spender),
            to: account(org2Carol),
          },
        },
      ]);
      assert.equal(await allowance(), '5');
      assert.equal(await balance(org1Alice), '35');
      assert.equal(await balance(org2Carol), '15');
      const body = await rejectsWith(
        transferFrom(org1Alice, org2Carol, '5.01'),
        'INSUFFICIENT_ALLOWANCE',
        'amount',
      );
      assert.match(body.message, /allowance of 5 is below 5.01/);
      await transferFrom(org1Alice, spender, '5');
      assert.equal(await allowance(), '0');
      assert.equal(await balance(spender), '5');
    });

    it('fails on the owner balance even within the allowance', async () => {
      await approve('80');
      await rejectsWith(transferFrom(org1Alice, org2Carol, '60'), 'INSUFFICIENT_FUNDS');
    });

    it('validates accounts', async () => {
      await rejectsWith(
        fx.world.submit(org1Alice, (ctx) => fx.contract.Approve(ctx, account(org1Alice), '1')),
        'INVALID_ARGUMENT',
        'spender',
      );
      await rejectsWith(
        fx.world.submit(org1Alice, (ctx) => fx.contract.Approve(ctx, 'x', '1')),
        'INVALID_ARGUMENT',
        'spender',
      );
      await rejectsWith(approve('-1'), 'INVALID_ARGUMENT', 'amount');
      await rejectsWith(transferFrom(org1Alice, org1Alice, '1'), 'INVALID_ARGUMENT', 'to');
      await rejectsWith(
        fx.world.submit(spender, (ctx) =>
          fx.contract.TransferFrom(ctx, 'x', account(org2Carol), '1'),
        ),
        'INVALID_ARGUMENT',
        'from',
      );
      await rejectsWith(
        fx.world.submit(spender, (ctx) =>
          fx.contract.TransferFrom(ctx, account(org1Alice), 'y', '1'),
        ),
        'INVALID_ARGUMENT',
        'to',
      );
      await rejectsWith(
        fx.world.evaluate(spender, (ctx) => fx.contract.Allowance(ctx, 'x', account(spender))),
        'INVALID_ARGUMENT',
        'owner',
      );
      await rejectsWith(
        fx.world.evaluate(spender, (ctx) => fx.contract.Allowance(ctx, account(spender), 'y')),
        'INVALID_ARGUMENT',
        'spender',
      );
      await rejectsWith(
        fx.world.evaluate(spender, (ctx) => fx.contract.BalanceOf(ctx, 'z')),
        'INVALID_ARGUMENT',
        'account',
      );
    });
  });
});
