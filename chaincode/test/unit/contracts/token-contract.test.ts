import assert from 'node:assert/strict';
import { accountIdOf } from '../../../src/common/access';
import { MAX_AMOUNT } from '../../../src/common/amounts';
import { TokenContract } from '../../../src/contracts/token-contract';
import { rejectsWith } from '../../support/assertions';
import { WorldState, identity, type Identity, type SimulatedTx } from '../../support/world-state';

const admin = identity('Org1MSP', 'admin');
const org1Alice = identity('Org1MSP', 'alice');
const org2Carol = identity('Org2MSP', 'carol');
const org2Minter = identity('Org2MSP', 'minter', { 'consortia.minter': 'true' });

const account = (who: Identity): string => accountIdOf(who.mspId, who.id);

describe('TokenContract', () => {
  let world: WorldState;
  let contract: TokenContract;

  const initialize = (cap = '', decimals = 2, caller = admin) =>
    world.submit(caller, (ctx) => contract.Initialize(ctx, 'Consortia Coin', 'CNS', decimals, cap));
  const mint = (to: Identity, amount: string, caller = admin, requestId?: string) =>
    world.submit(caller, (ctx) => contract.Mint(ctx, account(to), amount), {
      transient: requestId ? { requestId } : undefined,
    });
  const transfer = (from: Identity, to: Identity, amount: string, requestId?: string) =>
    world.submit(from, (ctx) => contract.Transfer(ctx, account(to), amount), {
      transient: requestId ? { requestId } : undefined,
    });
  const balance = (who: Identity): Promise<string> =>
    world.evaluate(org2Carol, (ctx) => contract.BalanceOf(ctx, account(who)));
  const supply = (): Promise<string> =>
    world.evaluate(org2Carol, (ctx) => contract.TotalSupply(ctx));

  beforeEach(() => {
    world = new WorldState();
    contract = new TokenContract();
  });

  it('is named TokenContract', () => {
    assert.equal(contract.getName(), 'TokenContract');
  });

  describe('before Initialize', () => {
    it('answers NOT_INITIALIZED', async () => {
      await rejectsWith(supply(), 'NOT_INITIALIZED');
      await rejectsWith(mint(org1Alice, '1'), 'NOT_INITIALIZED');
      await rejectsWith(
        world.evaluate(admin, (ctx) => contract.GetTokenInfo(ctx)),
        'NOT_INITIALIZED',
      );
      await rejectsWith(
        world.submit(admin, (ctx) => contract.SetAdminOrg(ctx, 'Org2MSP')),
        'NOT_INITIALIZED',
      );
      await rejectsWith(
        world.submit(admin, (ctx) => contract.SetMinterRule(ctx, ['Org1MSP'], '', '')),
        'NOT_INITIALIZED',
      );
    });
  });

  describe('Initialize', () => {
    it('records the token and makes the caller org the admin and only minter', async () => {
      const { result, tx } = await initialize('1000000');
      const expected = {
        name: 'Consortia Coin',
        symbol: 'CNS',
        decimals: 2,
        cap: '1000000',
        totalSupply: '0',
        adminMspId: 'Org1MSP',
        minterRule: { mspIds: ['Org1MSP'], attributeName: '', attributeValue: '' },
      };
      assert.deepEqual(result, expected);
      assert.deepEqual(
        await world.evaluate(org2Carol, (ctx) => contract.GetTokenInfo(ctx)),
        expected,
      );
      assert.deepEqual(tx.events, [{ name: 'TokenInitialized', payload: { token: expected } }]);
      // Config is stored in base units.
      assert.equal(
        world.get(tx.ctx.stub.createCompositeKey('token', ['config'])),
        '{"cap":"100000000","decimals":2,"name":"Consortia Coin","symbol":"CNS"}',
      );
    });

    it('defaults the cap to 2^255 - 1 base units', async () => {
      const { result } = await initialize('', 0);
      assert.equal(result.cap, MAX_AMOUNT.toString());
    });

    it('runs once only', async () => {
      await initialize();
      await rejectsWith(initialize('', 2, org2Carol), 'ALREADY_EXISTS');
    });

    it('validates name, symbol, decimals and cap', async () => {
      const init = (name: string, symbol: string, decimals: number, cap: string) =>
        world.submit(admin, (ctx) => contract.Initialize(ctx, name, symbol, decimals, cap));
      await rejectsWith(init('', 'CNS', 2, ''), 'INVALID_ARGUMENT', 'name');
      await rejectsWith(init('Coin', 'C-N', 2, ''), 'INVALID_ARGUMENT', 'symbol');
      await rejectsWith(init('Coin', 'CNS', 37, ''), 'INVALID_ARGUMENT', 'decimals');
      await rejectsWith(init('Coin', 'CNS', 2, '1.001'), 'INVALID_ARGUMENT', 'cap');
      await rejectsWith(init('Coin', 'CNS', 2, '0'), 'INVALID_ARGUMENT', 'cap');
      assert.deepEqual(world.keys(), []);
    });
  });

  describe('admin and minter rule', () => {
    beforeEach(async () => {
      await initialize();
    });

    it('hands the admin role over, admin org only', async () => {
      await rejectsWith(
        world.submit(org2Carol, (ctx) => contract.SetAdminOrg(ctx, 'Org2MSP')),
        'FORBIDDEN',
      );
      const { tx } = await world.submit(org1Alice, (ctx) => contract.SetAdminOrg(ctx, 'Org2MSP'));
      assert.deepEqual(tx.events, [
        { name: 'AdminOrgChanged', payload: { from: 'Org1MSP', to: 'Org2MSP' } },
      ]);
      await rejectsWith(
        world.submit(admin, (ctx) => contract.SetMinterRule(ctx, ['Org1MSP'], '', '')),
        'FORBIDDEN',
      );
      await world.submit(org2Carol, (ctx) => contract.SetMinterRule(ctx, ['Org2MSP'], '', ''));
      await rejectsWith(
        world.submit(admin, (ctx) => contract.SetAdminOrg(ctx, 'bad msp')),
        'INVALID_ARGUMENT',
        'newAdminMspId',
      );
    });

    it('stores a normalised rule and reports it', async () => {
      const { result, tx } = await world.submit(admin, (ctx) =>
        contract.SetMinterRule(ctx, ['Org2MSP', 'Org1MSP'], 'consortia.minter', 'true'),
      );
      const rule = {
        mspIds: ['Org1MSP', 'Org2MSP'],
        attributeName: 'consortia.minter',
        attributeValue: 'true',
      };
      assert.deepEqual(result, rule);
      assert.deepEqual(tx.events, [{ name: 'MinterRuleChanged', payload: { rule } }]);
      assert.deepEqual(
        (await world.evaluate(org2Carol, (ctx) => contract.GetTokenInfo(ctx))).minterRule,
        rule,
      );
    });

    it('rejects malformed rules', async () => {
      const set = (mspIds: unknown, name: unknown, value: unknown) =>
        world.submit(admin, (ctx) =>
          contract.SetMinterRule(ctx, mspIds as string[], name as string, value as string),
        );
      await rejectsWith(set('Org1MSP', '', ''), 'INVALID_ARGUMENT', 'mspIds');
      await rejectsWith(
        set(
          Array.from({ length: 65 }, (_, i) => `Org${i}MSP`),
          '',
          '',
        ),
        'INVALID_ARGUMENT',
        'mspIds',
      );
      await rejectsWith(set(['Org1MSP', 'Org1MSP'], '', ''), 'INVALID_ARGUMENT', 'mspIds');
      await rejectsWith(set(['Org 1'], '', ''), 'INVALID_ARGUMENT', 'mspIds');
      await rejectsWith(set([], '', ''), 'INVALID_ARGUMENT', 'mspIds');
      await rejectsWith(set(['Org1MSP'], '', 'true'), 'INVALID_ARGUMENT', 'attributeValue');
      await rejectsWith(set(['Org1MSP'], 7, ''), 'INVALID_ARGUMENT', 'attributeName');
      await rejectsWith(set(['Org1MSP'], 'bad name', 'true'), 'INVALID_ARGUMENT', 'attributeName');
      await rejectsWith(
        set(['Org1MSP'], 'consortia.minter', ''),
        'INVALID_ARGUMENT',
        'attributeValue',
      );
    });

    it('lets only identities matching the rule mint and burn', async () => {
      await rejectsWith(mint(org2Carol, '1', org2Carol), 'FORBIDDEN');
      await mint(org1Alice, '1', org1Alice);

      // Any organization, but only certificates carrying consortia.minter=true.
      await world.submit(admin, (ctx) =>
        contract.SetMinterRule(ctx, [], 'consortia.minter', 'true'),
      );
      await rejectsWith(mint(org1Alice, '1', org1Alice), 'FORBIDDEN');
      await mint(org2Minter, '5', org2Minter);
      await world.submit(org2Minter, (ctx) => contract.Burn(ctx, '2'));
      await rejectsWith(
        world.submit(org1Alice, (ctx) => contract.Burn(ctx, '1')),
        'FORBIDDEN',
      );

      // Both conditions at once.
      await world.submit(admin, (ctx) =>
        contract.SetMinterRule(ctx, ['Org1MSP'], 'consortia.minter', 'true'),
      );
      await rejectsWith(mint(org2Minter, '1', org2Minter), 'FORBIDDEN');
      assert.equal(await supply(), '4');
    });
  });

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
        world.submit(admin, (ctx) => contract.Mint(ctx, 'not-an-account', '1')),
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
      const { tx } = await world.submit(admin, (ctx) => contract.Burn(ctx, '3.5'));
      assert.deepEqual(tx.events, [
        { name: 'TokensBurned', payload: { amount: '3.5', from: account(admin) } },
      ]);
      const mintedKey = tx.ctx.stub.createCompositeKey('token', ['minted']);
      assert.equal(tx.writes.has(mintedKey), false);
      assert.equal(await balance(admin), '6.5');
      assert.equal(await supply(), '6.5');
      await rejectsWith(
        world.submit(admin, (ctx) => contract.Burn(ctx, '7')),
        'INSUFFICIENT_FUNDS',
        'amount',
      );
      await rejectsWith(
        world.submit(admin, (ctx) => contract.Burn(ctx, '-1')),
        'INVALID_ARGUMENT',
        'amount',
      );
    });

    it('serialises concurrent mints on the minted key (documented trade-off)', async () => {
      await initialize();
      const first = world.begin(admin);
      const second = world.begin(admin);
      await contract.Mint(first.ctx, account(org1Alice), '1');
      await contract.Mint(second.ctx, account(org2Carol), '1');
      assert.equal(world.commit(first), 'VALID');
      assert.equal(world.commit(second), 'MVCC_READ_CONFLICT');
    });

    it('lets concurrent burns by different holders all commit', async () => {
      await initialize('', 0);
      await world.submit(admin, (ctx) =>
        contract.SetMinterRule(ctx, [], 'consortia.minter', 'true'),
      );
      const burners = Array.from({ length: 5 }, (_, i) =>
        identity('Org2MSP', `burner${i}`, { 'consortia.minter': 'true' }),
      );
      for (const burner of burners) {
        await mint(burner, '10', org2Minter);
      }
      const txs = burners.map((burner) => world.begin(burner));
      await Promise.all(txs.map((tx) => contract.Burn(tx.ctx, '4')));
      assert.deepEqual(
        txs.map((tx) => world.commit(tx)),
        burners.map(() => 'VALID'),
      );
      assert.equal(await supply(), '30');
    });
  });

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
        world.submit(org1Alice, (ctx) =>
          contract.Transfer(ctx, account(org2Carol).toUpperCase(), '1'),
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
        world
          .keys()
          .filter((key) => key.startsWith(tx.ctx.stub.createCompositeKey('credit', [carol])));
      const probe = world.begin(org2Carol);
      assert.equal(credits(probe).length, 2);
      const { tx } = await transfer(org2Carol, org1Alice, '0.5');
      assert.equal(credits(tx).length, 0);
      assert.equal(world.get(tx.ctx.stub.createCompositeKey('balance', [carol])), '2500000');
      assert.equal(await balance(org2Carol), '2.5');
      // Spending everything removes the balance key.
      await transfer(org2Carol, org1Alice, '2.5');
      assert.equal(world.get(tx.ctx.stub.createCompositeKey('balance', [carol])), undefined);
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
      const txs = senders.map((sender) => world.begin(sender));
      await Promise.all(
        txs.map((tx, i) =>
          contract.Transfer(tx.ctx, account(hot), `1.${String(i).padStart(2, '0')}`),
        ),
      );
      const codes = txs.map((tx) => world.commit(tx));
      assert.deepEqual(
        codes,
        senders.map(() => 'VALID'),
      );
      // 50 x 1 + (0 + 1 + ... + 49) / 100
      assert.equal(await balance(hot), '62.25');
      assert.equal(await supply(), '200');
    });

    it('still stops a double spend: concurrent debits of one account conflict', async () => {
      const first = world.begin(org1Alice);
      const second = world.begin(org1Alice);
      await contract.Transfer(first.ctx, account(org2Carol), '80');
      await contract.Transfer(second.ctx, account(org2Carol), '80');
      assert.equal(world.commit(first), 'VALID');
      assert.notEqual(world.commit(second), 'VALID');
      assert.equal(await balance(org2Carol), '80');
    });

    it('invalidates a debit racing a new credit to the same account, never the credit', async () => {
      await transfer(org1Alice, org2Carol, '10');
      const debit = world.begin(org2Carol);
      const credit = world.begin(org1Alice);
      await contract.Transfer(debit.ctx, account(org1Alice), '5');
      await contract.Transfer(credit.ctx, account(org2Carol), '5');
      // The credit to Carol commits first; Carol's own debit then sees a phantom.
      assert.equal(world.commit(credit), 'VALID');
      assert.equal(world.commit(debit), 'PHANTOM_READ_CONFLICT');
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
      const retry = await transfer(org1Alice, org2Carol, '5', 'pay-43');
      assert.deepEqual(retry.tx.event?.payload, {
        amount: '5',
        from: account(org1Alice),
        requestId: 'pay-43',
        to: account(org2Carol),
      });
    });
  });

  describe('Approve, Allowance and TransferFrom', () => {
    const spender = identity('Org2MSP', 'spender');
    const allowance = () =>
      world.evaluate(org2Carol, (ctx) =>
        contract.Allowance(ctx, account(org1Alice), account(spender)),
      );
    const approve = (amount: string) =>
      world.submit(org1Alice, (ctx) => contract.Approve(ctx, account(spender), amount));
    const transferFrom = (from: Identity, to: Identity, amount: string) =>
      world.submit(spender, (ctx) =>
        contract.TransferFrom(ctx, account(from), account(to), amount),
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
        world.submit(org1Alice, (ctx) => contract.Approve(ctx, account(org1Alice), '1')),
        'INVALID_ARGUMENT',
        'spender',
      );
      await rejectsWith(
        world.submit(org1Alice, (ctx) => contract.Approve(ctx, 'x', '1')),
        'INVALID_ARGUMENT',
        'spender',
      );
      await rejectsWith(approve('-1'), 'INVALID_ARGUMENT', 'amount');
      await rejectsWith(transferFrom(org1Alice, org1Alice, '1'), 'INVALID_ARGUMENT', 'to');
      await rejectsWith(
        world.submit(spender, (ctx) => contract.TransferFrom(ctx, 'x', account(org2Carol), '1')),
        'INVALID_ARGUMENT',
        'from',
      );
      await rejectsWith(
        world.submit(spender, (ctx) => contract.TransferFrom(ctx, account(org1Alice), 'y', '1')),
        'INVALID_ARGUMENT',
        'to',
      );
      await rejectsWith(
        world.evaluate(spender, (ctx) => contract.Allowance(ctx, 'x', account(spender))),
        'INVALID_ARGUMENT',
        'owner',
      );
      await rejectsWith(
        world.evaluate(spender, (ctx) => contract.Allowance(ctx, account(spender), 'y')),
        'INVALID_ARGUMENT',
        'spender',
      );
      await rejectsWith(
        world.evaluate(spender, (ctx) => contract.BalanceOf(ctx, 'z')),
        'INVALID_ARGUMENT',
        'account',
      );
    });
  });

  it('tells a caller its own account id', async () => {
    assert.equal(
      await world.evaluate(org2Carol, (ctx) => contract.ClientAccountID(ctx)),
      account(org2Carol),
    );
  });

  it('answers an unknown function with UNKNOWN_FUNCTION', async () => {
    await rejectsWith(
      world.evaluate(admin, (ctx) => contract.unknownTransaction(ctx), {
        function: 'TokenContract:Nope',
      }),
      'UNKNOWN_FUNCTION',
    );
  });
});
