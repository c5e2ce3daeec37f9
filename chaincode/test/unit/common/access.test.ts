// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  accountIdOf,
  callerAccountId,
  callerAttribute,
  callerMspId,
  requireCallerMsp,
} from '../../../src/common/access';
import { WorldState, identity } from '../../support/world-state';
import { rejectsWith } from '../../support/assertions';

describe('access control helpers', () => {
  const world = new WorldState();
  const alice = identity('Org1MSP', 'alice', { 'consortia.minter': 'true' });

  it('reads the caller MSP and attributes', () => {
    const { ctx } = world.begin(alice);
    assert.equal(callerMspId(ctx), 'Org1MSP');
    assert.equal(callerAttribute(ctx, 'consortia.minter'), 'true');
    assert.equal(callerAttribute(ctx, 'absent'), undefined);
  });

  it('rejects a caller from another MSP with FORBIDDEN', async () => {
    const { ctx } = world.begin(alice);
    requireCallerMsp(ctx, 'Org1MSP', 'Anything');
    const body = await rejectsWith(
      (async () => requireCallerMsp(ctx, 'Org2MSP', 'UpdateAsset'))(),
      'FORBIDDEN',
    );
    assert.match(body.message, /UpdateAsset is reserved to Org2MSP; caller belongs to Org1MSP/);
  });

  it('derives the account id from the MSP id and the certificate identity', () => {
    const { ctx } = world.begin(alice);
    const expected = createHash('sha256')
      .update(JSON.stringify({ id: alice.id, mspId: 'Org1MSP' }))
      .digest('hex');
    assert.equal(callerAccountId(ctx), expected);
    assert.match(expected, /^[0-9a-f]{64}$/);
    // Same subject and issuer names under another MSP are another account.
    assert.notEqual(accountIdOf('Org2MSP', alice.id), expected);
  });
});
