// SPDX-License-Identifier: Apache-2.0
// Assets of users with certificates of their own (consortia.user, consortia.role from the org's
// CA): only the owner writes their asset; a certificate with the admin role, and the org's own
// identities without the attribute, act for the whole organization.
import assert from 'node:assert/strict';

import { rejectsWith } from '../../support/assertions';
import { identity } from '../../support/world-state';
import { assetFixture, org1Alice } from './asset-fixture';

const user = (name: string, role = 'member') =>
  identity('Org1MSP', name, { 'consortia.user': name, 'consortia.role': role });

describe('AssetContract with per-user certificates', () => {
  const fx = assetFixture();
  const alice = user('alice');
  const bob = user('bob');
  const admin = user('dora', 'admin');

  it("creates an asset only in the user's own name", async () => {
    const { result } = await fx.create('A1', {}, alice);
    assert.deepEqual(result.owner, { mspId: 'Org1MSP', ownerId: 'alice' });
    await rejectsWith(fx.create('A2', { ownerId: 'bob' }, alice), 'FORBIDDEN');
    await fx.create('A3', { ownerId: 'bob' }, admin);
  });

  it("refuses another user's update or transfer, and lets the owner, an admin and the org's identity", async () => {
    await fx.create('A1', {}, alice);
    const update = (caller: typeof alice) =>
      fx.world.submit(caller, (ctx) => fx.contract.UpdateAsset(ctx, 'A1', '{}', 'ACTIVE', ''));
    await rejectsWith(update(bob), 'FORBIDDEN');
    await rejectsWith(
      fx.world.submit(bob, (ctx) => fx.contract.TransferAsset(ctx, 'A1', 'Org1MSP', 'bob', '')),
      'FORBIDDEN',
    );
    await update(alice);
    await update(admin);
    await update(org1Alice);
    const { result } = await fx.world.submit(alice, (ctx) =>
      fx.contract.TransferAsset(ctx, 'A1', 'Org1MSP', 'bob', ''),
    );
    assert.equal(result.owner.ownerId, 'bob');
    await rejectsWith(update(alice), 'FORBIDDEN');
    await update(bob);
  });
});
