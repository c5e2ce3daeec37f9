// SPDX-License-Identifier: Apache-2.0
// The owner an asset write was authorized against travels to the chaincode, which refuses the
// write if the ledger's owner differs by then: a stale mirror can never authorize a write.
import assert from 'node:assert/strict';

import type { WriteCall } from '../../src/dapp/client';
import { ROLES } from '../../src/store/migrations/1700000000000_access-control';
import type { FakeApp } from '../support/fake-app';
import { startFakeApp } from '../support/fake-app';
import { call } from '../support/http';

describe('asset writes name the owner they were authorized against', function () {
  let app: FakeApp;
  const submitted: WriteCall[] = [];

  before(async function () {
    app = await startFakeApp({
      mirror: {
        getAsset: (async (id: string) =>
          id === 'A1' ? { id, owner: { mspId: 'Org1MSP', ownerId: 'alice' } } : undefined) as never,
      },
      writes: {
        create: (async () => ({ created: true })) as never,
        recordOutcome: (async () => undefined) as never,
      },
      dapp: {
        submit: (async (write: WriteCall) => {
          submitted.push(write);
          return {
            requestId: write.requestId,
            status: 'committed',
            txId: 'ab'.repeat(32),
            blockNumber: 7,
            validationCode: 'VALID',
          };
        }) as never,
      },
    });
  });

  after(async function () {
    await app.close();
  });

  beforeEach(function () {
    submitted.length = 0;
  });

  const tokenOf = (role: string, username: string) =>
    app.tokenFor({
      id: `u-${username}`,
      username,
      roles: [role],
      permissions: ROLES[role]?.permissions ?? [],
    });

  it('a member passes itself as the expected owner of an update and a transfer', async function () {
    const token = await tokenOf('member', 'alice');
    const updated = await call(app.base, 'PUT', '/v1/assets/A1', {
      token,
      body: { attributes: { color: 'red' }, status: 'ACTIVE' },
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    const transferred = await call(app.base, 'POST', '/v1/assets/A1/transfer', {
      token,
      body: { newOwnerMspId: 'Org2MSP', newOwnerId: 'carol' },
    });
    assert.equal(transferred.status, 200, JSON.stringify(transferred.body));
    assert.deepEqual(
      submitted.map((write) => [write.function, write.args]),
      [
        ['AssetContract:UpdateAsset', ['A1', '{"color":"red"}', 'ACTIVE', 'alice']],
        ['AssetContract:TransferAsset', ['A1', 'Org2MSP', 'carol', 'alice']],
      ],
    );
  });

  it('a caller who may write any asset leaves the owner to the organization check', async function () {
    const role = Object.keys(ROLES).find((name) =>
      ROLES[name]?.permissions.includes('assets:write:any'),
    );
    assert.ok(role, 'a role grants assets:write:any');
    const token = await tokenOf(role, 'operator');
    const answer = await call(app.base, 'POST', '/v1/assets/A1/transfer', {
      token,
      body: { newOwnerMspId: 'Org1MSP', newOwnerId: 'bob' },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(submitted[0]?.args, ['A1', 'Org1MSP', 'bob', '']);
  });

  it("signs an operator's write on another user's asset as the organization when users sign as themselves", async function () {
    // the chaincode lets a user's own certificate write only that user's assets; the org's may
    const operator = (username: string) =>
      app.tokenFor({
        id: `u-${username}`,
        username,
        roles: ['operator'],
        permissions: ROLES.operator?.permissions ?? [],
        fabricIdentity: `user:${username}`,
      });
    const token = await operator('olga');
    const updated = await call(app.base, 'PUT', '/v1/assets/A1', {
      token,
      body: { attributes: {}, status: 'ACTIVE' },
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    const created = await call(app.base, 'POST', '/v1/assets', {
      token,
      body: { id: 'A2', type: 'container', ownerId: 'alice', attributes: {} },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // their own asset, or one they create for themselves: their own certificate
    const own = await call(app.base, 'POST', '/v1/assets/A1/transfer', {
      token: await operator('alice'),
      body: { newOwnerMspId: 'Org1MSP', newOwnerId: 'bob' },
    });
    assert.equal(own.status, 200, JSON.stringify(own.body));
    const mine = await call(app.base, 'POST', '/v1/assets', {
      token,
      body: { id: 'A3', type: 'container', attributes: {} },
    });
    assert.equal(mine.status, 201, JSON.stringify(mine.body));
    assert.deepEqual(
      submitted.map((write) => [write.function, write.identity]),
      [
        ['AssetContract:UpdateAsset', undefined],
        ['AssetContract:CreateAsset', undefined],
        ['AssetContract:TransferAsset', 'user:alice'],
        ['AssetContract:CreateAsset', 'user:olga'],
      ],
    );
  });

  it('refuses a member who does not own the asset before anything is sent', async function () {
    const token = await tokenOf('member', 'mallory');
    const answer = await call(app.base, 'PUT', '/v1/assets/A1', {
      token,
      body: { attributes: {}, status: 'ACTIVE' },
    });
    assert.equal(answer.status, 403);
    assert.equal(submitted.length, 0);
  });
});
