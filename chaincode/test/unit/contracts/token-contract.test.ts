import assert from 'node:assert/strict';
import { accountIdOf } from '../../../src/common/access';
import { MAX_AMOUNT } from '../../../src/common/amounts';
import { MAX_FOLD, TokenContract } from '../../../src/contracts/token-contract';
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

  const consolidate = (who: Identity, creditTxIds: string[] = [], requestId?: string) =>
    world.submit(who, (ctx) => contract.Consolidate(ctx, JSON.stringify(creditTxIds)), {
      transient: requestId ? { requestId } : undefined,
    });
  const keysOf = (type: string, attributes: string[] = []) => {
    const prefix = world.begin(admin).ctx.stub.createCompositeKey(type, attributes);
    return world.keys().filter((key) => key.startsWith(prefix));
  };

  let savedAdminMsp: string | undefined;
  beforeEach(() => {
    world = new WorldState();
    contract = new TokenContract();
    savedAdminMsp = process.env.TOKEN_ADMIN_MSP;
    process.env.TOKEN_ADMIN_MSP = 'Org1MSP';
  });

  afterEach(() => {
    if (savedAdminMsp === undefined) {
      delete process.env.TOKEN_ADMIN_MSP;
    } else {
      process.env.TOKEN_ADMIN_MSP = savedAdminMsp;
    }
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
      await rejectsWith(initialize('', 2, org1Alice), 'ALREADY_EXISTS');
    });

    it('is reserved to the organization the chaincode service names in TOKEN_ADMIN_MSP', async () => {
      const body = await rejectsWith(initialize('', 2, org2Carol), 'FORBIDDEN');
      assert.match(body.message, /Initialize is reserved to Org1MSP; caller belongs to Org2MSP/);
      // Once initialized too: another organization learns nothing and changes nothing.
      await initialize();
      await rejectsWith(initialize('', 2, org2Carol), 'FORBIDDEN');
      process.env.TOKEN_ADMIN_MSP = 'Org2MSP';
      await rejectsWith(initialize('', 2, org2Carol), 'ALREADY_EXISTS');
    });

    it('is refused, naming TOKEN_ADMIN_MSP, when the service does not set it', async () => {
      delete process.env.TOKEN_ADMIN_MSP;
      const body = await rejectsWith(initialize(), 'FORBIDDEN');
      assert.match(body.message, /TOKEN_ADMIN_MSP is not set/);
      assert.deepEqual(world.keys(), []);
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

    it('reads MSP ids the way fabric-contract-api hands string[] items over (still quoted)', async () => {
      const { result } = await world.submit(admin, (ctx) =>
        contract.SetMinterRule(ctx, ['"Org2MSP"', '"Org1MSP"'], '', ''),
      );
      assert.deepEqual(result.mspIds, ['Org1MSP', 'Org2MSP']);
      await rejectsWith(
        world.submit(admin, (ctx) => contract.SetMinterRule(ctx, ['"Org 1"'], '', '')),
        'INVALID_ARGUMENT',
        'mspIds',
      );
      await rejectsWith(
        world.submit(admin, (ctx) => contract.SetMinterRule(ctx, ['"x'], '', '')),
        'INVALID_ARGUMENT',
        'mspIds',
      );
      await rejectsWith(
        world.submit(admin, (ctx) => contract.SetMinterRule(ctx, ['"a\\"'], '', '')),
        'INVALID_ARGUMENT',
        'mspIds',
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

    it('keeps a running burned total per account, so TotalSupply reads no burn records', async () => {
      await initialize('', 0);
      await mint(admin, '100');
      for (let i = 0; i < 5; i++) {
        await world.submit(admin, (ctx) => contract.Burn(ctx, '3'));
      }
      assert.deepEqual(keysOf('burned'), keysOf('burned', [account(admin)]));
      assert.equal(world.get(keysOf('burned')[0] ?? ''), '15');
      const probe = world.begin(org2Carol);
      assert.equal(await contract.TotalSupply(probe.ctx), '85');
      // One key per burning account, whatever the number of burns.
      assert.deepEqual(
        probe.ranges.map((range) => range.prefix),
        [probe.ctx.stub.createCompositeKey('burned', [])],
      );
      assert.equal(
        (await world.evaluate(admin, (ctx) => contract.GetTokenInfo(ctx))).totalSupply,
        '85',
      );
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

    it('spends from the balance key without reading credits, so racing credits never conflict', async () => {
      await transfer(org1Alice, org2Carol, '10');
      await consolidate(org2Carol);
      const debit = world.begin(org2Carol);
      const credit = world.begin(org1Alice);
      await contract.Transfer(debit.ctx, account(org1Alice), '5');
      await contract.Transfer(credit.ctx, account(org2Carol), '5');
      assert.equal(debit.ranges.length, 0);
      // The credit to Carol commits first; Carol's debit read nothing it changed.
      assert.equal(world.commit(credit), 'VALID');
      assert.equal(world.commit(debit), 'VALID');
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
        const spend = world.begin(merchant);
        const payments = payers.map((payer) => world.begin(payer));
        await contract.Transfer(spend.ctx, account(org1Alice), '1');
        await Promise.all(
          payments.map((tx) => contract.Transfer(tx.ctx, account(merchant), '0.5')),
        );
        assert.deepEqual(
          payments.map((tx) => world.commit(tx)),
          payers.map(() => 'VALID'),
        );
        assert.equal(world.commit(spend), 'VALID', `round ${round}`);
      }
      // 50 - 5 x 1 + 5 x 8 x 0.5
      assert.equal(await balance(merchant), '65');
      assert.equal(keysOf('credit', [account(merchant)]).length, 40);
    });

    it('folds pending credits only when the balance key alone cannot cover a debit', async () => {
      await transfer(org1Alice, org2Carol, '10');
      // Carol's balance key is empty: her debit folds her credits (a range read),
      // so a credit committed first invalidates it, as the README documents.
      const debit = world.begin(org2Carol);
      const credit = world.begin(org1Alice);
      await contract.Transfer(debit.ctx, account(org1Alice), '5');
      await contract.Transfer(credit.ctx, account(org2Carol), '5');
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

  describe('Consolidate and PendingCredits', () => {
    const pending = (who: Identity, pageSize = 100, bookmark = '') =>
      world.evaluate(org1Alice, (ctx) =>
        contract.PendingCredits(ctx, account(who), pageSize, bookmark),
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
        world.evaluate(org1Alice, (ctx) => contract.PendingCredits(ctx, 'x', 10, '')),
        'INVALID_ARGUMENT',
        'account',
      );
    });

    it('folds named credits with point reads only, so new credits never conflict', async () => {
      const paid = (await transfer(org1Alice, org2Carol, '4')).tx.txId;
      const ids = (await pending(org2Carol)).records.map((credit) => credit.txId);
      assert.deepEqual(ids, [paid]);
      const folding = world.begin(org2Carol);
      const incoming = world.begin(org1Alice);
      const result = await contract.Consolidate(folding.ctx, JSON.stringify(ids));
      await contract.Transfer(incoming.ctx, account(org2Carol), '1');
      assert.equal(result, '4');
      assert.equal(folding.ranges.length, 0);
      assert.equal(world.commit(incoming), 'VALID');
      assert.equal(world.commit(folding), 'VALID');
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
      assert.equal(world.get(keysOf('balance', [account(org2Carol)])[0] ?? ''), '300');
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
        world.submit(org2Carol, (ctx) => contract.Consolidate(ctx, text as string));
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
