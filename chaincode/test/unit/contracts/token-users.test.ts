// SPDX-License-Identifier: Apache-2.0
// Token administration and minting with per-user certificates (consortia.user, consortia.role
// from the org's CA): a certificate acting for one user of the admin org governs nothing and
// mints only when the minter rule names an attribute it carries; the org's own identities and
// certificates with the admin role act for the organization as before.
import assert from 'node:assert/strict';

import { rejectsWith } from '../../support/assertions';
import { identity } from '../../support/world-state';
import { account, admin, tokenFixture } from './token-fixture';

const user = (name: string, role = 'member') =>
  identity('Org1MSP', name, { 'consortia.user': name, 'consortia.role': role });

describe('TokenContract with per-user certificates', () => {
  const fx = tokenFixture();
  const alice = user('alice');
  const olga = user('olga', 'operator');
  const dora = user('dora', 'admin');

  it("refuses initialization and administration to a user's certificate of the admin org", async () => {
    await rejectsWith(fx.initialize('', 2, alice), 'FORBIDDEN');
    await fx.initialize();
    await rejectsWith(
      fx.world.submit(alice, (ctx) => fx.contract.SetAdminOrg(ctx, 'Org2MSP')),
      'FORBIDDEN',
    );
    await rejectsWith(
      fx.world.submit(olga, (ctx) => fx.contract.SetMinterRule(ctx, ['Org1MSP'], '', '')),
      'FORBIDDEN',
    );
    await fx.world.submit(dora, (ctx) => fx.contract.SetMinterRule(ctx, ['Org1MSP'], '', ''));
  });

  it('lets a user mint only when the minter rule names an attribute they carry', async () => {
    await fx.initialize();
    await rejectsWith(fx.mint(alice, '5', alice), 'FORBIDDEN');
    await rejectsWith(fx.mint(alice, '5', olga), 'FORBIDDEN');
    await fx.mint(alice, '5', dora);
    await fx.mint(alice, '5', admin);
    await fx.world.submit(admin, (ctx) =>
      fx.contract.SetMinterRule(ctx, ['Org1MSP'], 'consortia.role', 'operator'),
    );
    await fx.mint(alice, '1', olga);
    await rejectsWith(fx.mint(alice, '1', alice), 'FORBIDDEN');
    assert.equal(await fx.balance(alice), '11');
    assert.notEqual(account(alice), account(olga), 'each user has their own account');
  });
});
