// SPDX-License-Identifier: Apache-2.0
// The app-api on the whole real stack: the shared Fabric network (Kafka ordering, 2 orgs x 2
// peers, the consortia chaincode), the DAPP, datasync and Postgres. A member logs in, creates
// and transfers an asset and reads it back from the mirror with its history; tokens are minted
// and transferred; an async write is followed to its commit; an auditor reads the trail and
// finds the write's correlation id on the mirrored transaction. Skipped, with the reason, where
// Fabric cannot run.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { testNetworkUnavailable } from '@consortia/network/testing';

import { AccessTokens } from '../../src/auth/tokens';
import { documentedOperations, eachOperationAnswersItsSchema } from '../support/documented';
import type { RealStack } from '../support/real-stack';
import { startRealStack } from '../support/real-stack';
import { ALL_ROLES, assertRoleMatrix } from '../support/role-matrix';
import type { LoggedIn } from '../support/stack';
import { appApiEnv, call, login, startAppApi, TEST_JWT_SECRET, waitUntil } from '../support/stack';

const log = (message: string) => process.stderr.write(`      ${message}\n`);
const ADMIN = { username: 'consortium-admin', password: 'network admin pass 2026' };
const PASSWORD = 'network user pass 2026';

interface Committed {
  requestId: string;
  status: string;
  txId: string;
  blockNumber: number;
  mirror: { waited: boolean; reached: boolean; syncedBlock: number };
}

describe('app-api on the real stack (Fabric network, DAPP, datasync, Postgres)', function () {
  this.timeout(900_000);
  let stack: RealStack;
  let base: string;
  let admin: LoggedIn;
  let member: LoggedIn;
  let operator: LoggedIn;
  let auditor: LoggedIn;
  const run = crypto.randomBytes(3).toString('hex');
  const assetId = `PORTAL-${run}`;
  const memberName = `member-${run}`;

  before(async function () {
    const unavailable = testNetworkUnavailable();
    if (unavailable) {
      log(`${unavailable}: skipped`);
      this.skip();
    }
    stack = await startRealStack('network', ADMIN, log);
    base = stack.api.base;
    admin = await login(base, ADMIN.username, ADMIN.password);
    const create = async (username: string, role: string, fabricIdentity: string) => {
      const answer = await call(base, 'POST', '/v1/users', {
        token: admin.accessToken,
        body: { username, password: PASSWORD, roles: [role], fabricIdentity },
      });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      return login(base, username, PASSWORD);
    };
    member = await create(memberName, 'member', stack.identities.own);
    operator = await create(`operator-${run}`, 'operator', stack.identities.admin);
    auditor = await create(`auditor-${run}`, 'auditor', stack.identities.user);
  });

  after(async function () {
    await stack?.stop();
  });

  it('a member creates an asset (sync) and reads it back from the mirror at once', async function () {
    const created = await call<Committed & { result: { owner: { ownerId: string } } }>(
      base,
      'POST',
      '/v1/assets?wait=true',
      {
        token: member.accessToken,
        headers: { 'x-correlation-id': `corr-create-${run}` },
        body: { id: assetId, type: 'container', attributes: { color: 'teal', size: 20 } },
      },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.status, 'committed');
    assert.match(created.body.txId, /^[0-9a-f]{64}$/);
    assert.equal(created.body.result.owner.ownerId, memberName);
    assert.deepEqual(created.body.mirror, {
      waited: true,
      reached: true,
      syncedBlock: created.body.mirror.syncedBlock,
    });
    assert.ok(created.body.mirror.syncedBlock >= created.body.blockNumber);

    const listed = await call<{
      items: { id: string; owner: { ownerId: string } }[];
      mirror: { syncedBlock: number };
    }>(base, 'GET', `/v1/assets?ownerId=${memberName}&attr=color:teal`, {
      token: member.accessToken,
    });
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.items.map((asset) => asset.id),
      [assetId],
    );
  });

  it('the member transfers it; the listing and its history show both transactions', async function () {
    const transferred = await call<Committed>(base, 'POST', `/v1/assets/${assetId}/transfer`, {
      token: member.accessToken,
      headers: { 'x-correlation-id': `corr-transfer-${run}` },
      body: { newOwnerMspId: stack.network.org.mspId, newOwnerId: `receiver-${run}` },
    });
    assert.equal(transferred.status, 200, JSON.stringify(transferred.body));
    const read = await call<{
      asset: { owner: { ownerId: string } };
      history: { txId: string; function: string; correlationId: string | null }[];
    }>(base, 'GET', `/v1/assets/${assetId}?minBlock=${transferred.body.blockNumber}`, {
      token: member.accessToken,
    });
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.equal(read.body.asset.owner.ownerId, `receiver-${run}`);
    assert.deepEqual(
      read.body.history.map((entry) => entry.function),
      ['AssetContract:TransferAsset', 'AssetContract:CreateAsset'],
    );
    assert.equal(read.body.history[0]?.txId, transferred.body.txId);

    const listing = await call<{ items: { id: string }[] }>(
      base,
      'GET',
      `/v1/assets?ownerId=receiver-${run}`,
      {
        token: member.accessToken,
      },
    );
    assert.deepEqual(
      listing.body.items.map((asset) => asset.id),
      [assetId],
    );

    // The member no longer owns it: the app-api refuses before anything reaches the DAPP.
    const again = await call(base, 'PUT', `/v1/assets/${assetId}`, {
      token: member.accessToken,
      body: { attributes: {}, status: 'ACTIVE' },
    });
    assert.equal(again.status, 403);
  });

  it('passes the chaincode’s refusals through with the field it names', async function () {
    const duplicate = await call<{ error: { code: string } }>(base, 'POST', '/v1/assets', {
      token: member.accessToken,
      body: { id: assetId, type: 'container', attributes: {} },
    });
    assert.equal(duplicate.status, 409, JSON.stringify(duplicate.body));
    assert.equal(duplicate.body.error.code, 'ALREADY_EXISTS');
  });

  it('an operator mints to the member, who transfers tokens asynchronously; the status endpoint follows it', async function () {
    const mine = await call<{ account: string }>(base, 'GET', '/v1/tokens/account', {
      token: member.accessToken,
    });
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    const theirs = await call<{ account: string }>(base, 'GET', '/v1/tokens/account', {
      token: operator.accessToken,
    });
    assert.notEqual(mine.body.account, theirs.body.account, 'each identity has its own account');

    const minted = await call<Committed>(base, 'POST', '/v1/tokens/mint?wait=true', {
      token: operator.accessToken,
      body: { to: mine.body.account, amount: '100.50' },
    });
    assert.equal(minted.status, 201, JSON.stringify(minted.body));
    const denied = await call(base, 'POST', '/v1/tokens/mint', {
      token: member.accessToken,
      body: { to: mine.body.account, amount: '1' },
    });
    assert.equal(denied.status, 403);

    const queued = await call<{ requestId: string; status: string; statusUrl: string }>(
      base,
      'POST',
      '/v1/tokens/transfers?mode=async',
      {
        token: member.accessToken,
        headers: { 'idempotency-key': `transfer-${run}` },
        body: { to: theirs.body.account, amount: '0.50' },
      },
    );
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    assert.equal(queued.body.requestId, `transfer-${run}`);
    let status: { status: string; txId?: string; blockNumber?: number } = { status: 'queued' };
    await waitUntil(
      'the async transfer to commit',
      async () => {
        const answer = await call<typeof status>(base, 'GET', queued.body.statusUrl, {
          token: member.accessToken,
        });
        status = answer.body;
        return status.status === 'committed' || status.status === 'failed';
      },
      120_000,
    );
    assert.equal(status.status, 'committed', JSON.stringify(status));
    const other = await call(base, 'GET', queued.body.statusUrl, { token: auditor.accessToken });
    assert.equal(other.status, 200, 'an auditor may read any request');

    const balance = await call<{ balance: { balance: string } }>(
      base,
      'GET',
      `/v1/tokens/balances/${mine.body.account}?minBlock=${status.blockNumber ?? 0}`,
      { token: member.accessToken },
    );
    assert.equal(balance.body.balance.balance, '100');

    const replay = await call(base, 'POST', '/v1/tokens/transfers', {
      token: member.accessToken,
      headers: { 'idempotency-key': `transfer-${run}` },
      body: { to: theirs.body.account, amount: '0.50' },
    });
    assert.equal(
      replay.status,
      201,
      'a retried request id answers the first outcome, not a second transfer',
    );
    const unchanged = await call<{ balance: { balance: string } }>(
      base,
      'GET',
      `/v1/tokens/balances/${mine.body.account}`,
      {
        token: member.accessToken,
      },
    );
    assert.equal(unchanged.body.balance.balance, '100');
  });

  it('an auditor reads the trail; the write’s correlation id is on its mirrored transaction', async function () {
    await stack.api.service.recorder.flush();
    const trail = await call<{
      items: {
        username: string;
        roles: string[];
        action: string;
        outcome: string;
        txId: string;
        correlationId: string;
      }[];
    }>(base, 'GET', `/v1/audit?correlationId=corr-create-${run}`, { token: auditor.accessToken });
    assert.equal(trail.status, 200);
    const entry = trail.body.items[0];
    assert.ok(entry, 'the create is in the trail');
    assert.equal(entry.username, memberName);
    assert.deepEqual(entry.roles, ['member']);
    assert.equal(entry.action, 'createAsset');
    assert.equal(entry.outcome, 'success');
    assert.match(entry.txId, /^[0-9a-f]{64}$/);

    const transactions = await call<{
      items: { txId: string; correlationId: string | null; function: string }[];
    }>(base, 'GET', `/v1/transactions?correlationId=corr-create-${run}`, {
      token: auditor.accessToken,
    });
    assert.equal(transactions.status, 200);
    assert.deepEqual(
      transactions.body.items.map((item) => item.txId),
      [entry.txId],
    );
    assert.equal(
      transactions.body.items[0]?.correlationId,
      `corr-create-${run}`,
      'from the ledger itself',
    );

    const denied = await call<{ items: { action: string }[] }>(
      base,
      'GET',
      `/v1/audit?username=${memberName}&outcome=denied`,
      { token: auditor.accessToken },
    );
    assert.ok(denied.body.items.some((item) => item.action === 'mintTokens'));
  });

  it('lets each role call exactly the operations it is granted', async function () {
    const tokens = new Map<string, string>([
      ['admin', admin.accessToken],
      ['operator', operator.accessToken],
      ['member', member.accessToken],
      ['auditor', auditor.accessToken],
    ]);
    assert.equal(tokens.size, ALL_ROLES.length);
    await assertRoleMatrix(base, tokens);
  });

  it('refuses expired and tampered access tokens', async function () {
    const past = new AccessTokens(
      new TextEncoder().encode(TEST_JWT_SECRET),
      { issuer: 'consortia-app-api', audience: 'consortia-portal', ttlSeconds: 60 },
      () => Date.now() - 3_600_000,
    );
    const expired = await past.issue({
      sub: member.user.id,
      sid: crypto.randomUUID(),
      username: memberName,
      roles: ['member'],
    });
    const late = await call<{ error: { code: string } }>(base, 'GET', '/v1/assets', {
      token: expired.token,
    });
    assert.equal(late.status, 401);
    assert.equal(late.body.error.code, 'TOKEN_EXPIRED');
    const [header, payload, signature] = member.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as object;
    const raised = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString(
      'base64url',
    );
    const tampered = await call<{ error: { code: string } }>(base, 'POST', '/v1/tokens/mint', {
      token: `${header}.${raised}.${signature}`,
      body: { to: 'a'.repeat(64), amount: '1' },
    });
    assert.equal(tampered.status, 401);
    assert.equal(tampered.body.error.code, 'INVALID_TOKEN');
  });

  it('answers a burst past the per-user limit with 429 and Retry-After', async function () {
    const limited = await startAppApi(
      appApiEnv(stack.databases, {
        DAPP_URL: stack.dappBase,
        DAPP_API_KEY: stack.dappKey,
        RATE_LIMIT_PER_USER: '10',
      }),
    );
    try {
      const session = await login(limited.base, memberName, PASSWORD);
      const answers = await Promise.all(
        Array.from({ length: 15 }, () =>
          call(limited.base, 'GET', '/v1/assets?limit=5', { token: session.accessToken }),
        ),
      );
      assert.equal(answers.filter((answer) => answer.status === 200).length, 10);
      const refused = answers.filter((answer) => answer.status === 429);
      assert.equal(refused.length, 5);
      assert.ok(Number(refused[0]?.headers.get('retry-after')) >= 1);
    } finally {
      await limited.stop();
    }
  });

  describe('every write answers within its schema', function () {
    const WRITES = new Set([
      'createAsset',
      'updateAsset',
      'transferAsset',
      'transferTokens',
      'mintTokens',
      'getRequest',
      'getMyAccount',
    ]);

    before(async function () {
      // the writes the tests above only see refused
      const own = `PORTAL-UPD-${run}`;
      const created = await call(base, 'POST', '/v1/assets?wait=true', {
        token: member.accessToken,
        body: { id: own, type: 'container', attributes: { color: 'red' } },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const updated = await call(base, 'PUT', `/v1/assets/${own}`, {
        token: member.accessToken,
        body: { attributes: { color: 'blue' }, status: 'ACTIVE' },
      });
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      const account = await call(base, 'GET', '/v1/tokens/account', {
        token: member.accessToken,
      });
      assert.equal(account.status, 200, JSON.stringify(account.body));
    });

    // reads are checked by the suite over the constructed mirror
    eachOperationAnswersItsSchema(
      new Set(
        documentedOperations()
          .map((operation) => operation.operationId)
          .filter((operationId) => !WRITES.has(operationId)),
      ),
    );
  });
});
