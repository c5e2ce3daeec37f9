// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { MAX_AMOUNT } from '../../../src/common/amounts';
import { rejectsWith } from '../../support/assertions';
import { admin, org1Alice, org2Carol, org2Minter, account, tokenFixture } from './token-fixture';

describe('TokenContract', () => {
  const fx = tokenFixture();
  const { initialize, mint, supply } = fx;

  it('is named TokenContract', () => {
    assert.equal(fx.contract.getName(), 'TokenContract');
  });

  describe('before Initialize', () => {
    it('answers NOT_INITIALIZED', async () => {
      await rejectsWith(supply(), 'NOT_INITIALIZED');
      await rejectsWith(mint(org1Alice, '1'), 'NOT_INITIALIZED');
      await rejectsWith(
        fx.world.evaluate(admin, (ctx) => fx.contract.GetTokenInfo(ctx)),
        'NOT_INITIALIZED',
      );
      await rejectsWith(
        fx.world.submit(admin, (ctx) => fx.contract.SetAdminOrg(ctx, 'Org2MSP')),
        'NOT_INITIALIZED',
      );
      await rejectsWith(
        fx.world.submit(admin, (ctx) => fx.contract.SetMinterRule(ctx, ['Org1MSP'], '', '')),
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
        await fx.world.evaluate(org2Carol, (ctx) => fx.contract.GetTokenInfo(ctx)),
        expected,
      );
      assert.deepEqual(tx.events, [{ name: 'TokenInitialized', payload: { token: expected } }]);
      // Config is stored in base units.
      assert.equal(
        fx.world.get(tx.ctx.stub.createCompositeKey('token', ['config'])),
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
      assert.deepEqual(fx.world.keys(), []);
    });

    it('validates name, symbol, decimals and cap', async () => {
      const init = (name: string, symbol: string, decimals: number, cap: string) =>
        fx.world.submit(admin, (ctx) => fx.contract.Initialize(ctx, name, symbol, decimals, cap));
      await rejectsWith(init('', 'CNS', 2, ''), 'INVALID_ARGUMENT', 'name');
      await rejectsWith(init('Coin', 'C-N', 2, ''), 'INVALID_ARGUMENT', 'symbol');
      await rejectsWith(init('Coin', 'CNS', 37, ''), 'INVALID_ARGUMENT', 'decimals');
      await rejectsWith(init('Coin', 'CNS', 2, '1.001'), 'INVALID_ARGUMENT', 'cap');
      await rejectsWith(init('Coin', 'CNS', 2, '0'), 'INVALID_ARGUMENT', 'cap');
      assert.deepEqual(fx.world.keys(), []);
    });
  });

  describe('admin and minter rule', () => {
    beforeEach(async () => {
      await initialize();
    });

    it('hands the admin role over, admin org only', async () => {
      await rejectsWith(
        fx.world.submit(org2Carol, (ctx) => fx.contract.SetAdminOrg(ctx, 'Org2MSP')),
        'FORBIDDEN',
      );
      const { tx } = await fx.world.submit(org1Alice, (ctx) =>
        fx.contract.SetAdminOrg(ctx, 'Org2MSP'),
      );
      assert.deepEqual(tx.events, [
        { name: 'AdminOrgChanged', payload: { from: 'Org1MSP', to: 'Org2MSP' } },
      ]);
      await rejectsWith(
        fx.world.submit(admin, (ctx) => fx.contract.SetMinterRule(ctx, ['Org1MSP'], '', '')),
        'FORBIDDEN',
      );
      await fx.world.submit(org2Carol, (ctx) =>
        fx.contract.SetMinterRule(ctx, ['Org2MSP'], '', ''),
      );
      await rejectsWith(
        fx.world.submit(admin, (ctx) => fx.contract.SetAdminOrg(ctx, 'bad msp')),
        'INVALID_ARGUMENT',
        'newAdminMspId',
      );
    });

    it('stores a normalised rule and reports it', async () => {
      const { result, tx } = await fx.world.submit(admin, (ctx) =>
        fx.contract.SetMinterRule(ctx, ['Org2MSP', 'Org1MSP'], 'consortia.minter', 'true'),
      );
      const rule = {
        mspIds: ['Org1MSP', 'Org2MSP'],
        attributeName: 'consortia.minter',
        attributeValue: 'true',
      };
      assert.deepEqual(result, rule);
      assert.deepEqual(tx.events, [{ name: 'MinterRuleChanged', payload: { rule } }]);
      assert.deepEqual(
        (await fx.world.evaluate(org2Carol, (ctx) => fx.contract.GetTokenInfo(ctx))).minterRule,
        rule,
      );
    });

    it('reads MSP ids the way fabric-contract-api hands string[] items over (still quoted)', async () => {
      const { result } = await fx.world.submit(admin, (ctx) =>
        fx.contract.SetMinterRule(ctx, ['"Org2MSP"', '"Org1MSP"'], '', ''),
      );
      assert.deepEqual(result.mspIds, ['Org1MSP', 'Org2MSP']);
      await rejectsWith(
        fx.world.submit(admin, (ctx) => fx.contract.SetMinterRule(ctx, ['"Org 1"'], '', '')),
        'INVALID_ARGUMENT',
        'mspIds',
      );
      await rejectsWith(
        fx.world.submit(admin, (ctx) => fx.contract.SetMinterRule(ctx, ['"x'], '', '')),
        'INVALID_ARGUMENT',
        'mspIds',
      );
      await rejectsWith(
        fx.world.submit(admin, (ctx) => fx.contract.SetMinterRule(ctx, ['"a\\"'], '', '')),
        'INVALID_ARGUMENT',
        'mspIds',
      );
    });

    it('rejects malformed rules', async () => {
      const set = (mspIds: unknown, name: unknown, value: unknown) =>
        fx.world.submit(admin, (ctx) =>
          fx.contract.SetMinterRule(ctx, mspIds as string[], name as string, value as string),
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
      await fx.world.submit(admin, (ctx) =>
        fx.contract.SetMinterRule(ctx, [], 'consortia.minter', 'true'),
      );
      await rejectsWith(mint(org1Alice, '1', org1Alice), 'FORBIDDEN');
      await mint(org2Minter, '5', org2Minter);
      await fx.world.submit(org2Minter, (ctx) => fx.contract.Burn(ctx, '2'));
      await rejectsWith(
        fx.world.submit(org1Alice, (ctx) => fx.contract.Burn(ctx, '1')),
        'FORBIDDEN',
      );

      // Both conditions at once.
      await fx.world.submit(admin, (ctx) =>
        fx.contract.SetMinterRule(ctx, ['Org1MSP'], 'consortia.minter', 'true'),
      );
      await rejectsWith(mint(org2Minter, '1', org2Minter), 'FORBIDDEN');
      assert.equal(await supply(), '4');
    });
  });

  it('tells a caller its own account id', async () => {
    assert.equal(
      await fx.world.evaluate(org2Carol, (ctx) => fx.contract.ClientAccountID(ctx)),
      account(org2Carol),
    );
  });

  it('answers an unknown function with UNKNOWN_FUNCTION', async () => {
    await rejectsWith(
      fx.world.evaluate(admin, (ctx) => fx.contract.unknownTransaction(ctx), {
        function: 'TokenContract:Nope',
      }),
      'UNKNOWN_FUNCTION',
    );
  });
});
