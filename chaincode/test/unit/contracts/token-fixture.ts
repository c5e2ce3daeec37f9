// SPDX-License-Identifier: Apache-2.0
import { accountIdOf } from '../../../src/common/access';
import { TokenContract } from '../../../src/contracts/token-contract';
import { WorldState, identity, type Identity } from '../../support/world-state';

export const admin = identity('Org1MSP', 'admin');
export const org1Alice = identity('Org1MSP', 'alice');
export const org2Carol = identity('Org2MSP', 'carol');
export const org2Minter = identity('Org2MSP', 'minter', { 'consortia.minter': 'true' });

export const account = (who: Identity): string => accountIdOf(who.mspId, who.id);

/**
 * A fresh world state and TokenContract for every test of the calling describe (Org1MSP as the
 * token admin), and the calls the tests make against them.
 */
export function tokenFixture() {
  const fixture = {
    world: new WorldState(),
    contract: new TokenContract(),
    initialize: (cap = '', decimals = 2, caller = admin) =>
      fixture.world.submit(caller, (ctx) =>
        fixture.contract.Initialize(ctx, 'Consortia Coin', 'CNS', decimals, cap),
      ),
    mint: (to: Identity, amount: string, caller = admin, requestId?: string) =>
      fixture.world.submit(caller, (ctx) => fixture.contract.Mint(ctx, account(to), amount), {
        transient: requestId ? { requestId } : undefined,
      }),
    transfer: (from: Identity, to: Identity, amount: string, requestId?: string) =>
      fixture.world.submit(from, (ctx) => fixture.contract.Transfer(ctx, account(to), amount), {
        transient: requestId ? { requestId } : undefined,
      }),
    balance: (who: Identity): Promise<string> =>
      fixture.world.evaluate(org2Carol, (ctx) => fixture.contract.BalanceOf(ctx, account(who))),
    supply: (): Promise<string> =>
      fixture.world.evaluate(org2Carol, (ctx) => fixture.contract.TotalSupply(ctx)),
    consolidate: (who: Identity, creditTxIds: string[] = [], requestId?: string) =>
      fixture.world.submit(
        who,
        (ctx) => fixture.contract.Consolidate(ctx, JSON.stringify(creditTxIds)),
        { transient: requestId ? { requestId } : undefined },
      ),
    keysOf: (type: string, attributes: string[] = []) => {
      const prefix = fixture.world.begin(admin).ctx.stub.createCompositeKey(type, attributes);
      return fixture.world.keys().filter((key) => key.startsWith(prefix));
    },
  };

  let savedAdminMsp: string | undefined;
  beforeEach(() => {
    fixture.world = new WorldState();
    fixture.contract = new TokenContract();
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

  return fixture;
}
