// SPDX-License-Identifier: Apache-2.0
// The app-api over real components, without Fabric: a real embedded PostgreSQL for its own
// database and the mirror, the real datasync writing the mirror from constructed blocks, and the
// app-api serving HTTP on an ephemeral port. Writes find no DAPP here (the real-network suite
// covers them); everything else a portal does is exercised.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';

import { endorserBlock, compositeKey, ReplayBlockSource } from '@consortia/datasync/testing';
import pg from 'pg';

import { AccessTokens } from '../../src/auth/tokens';
import { MirrorReader } from '../../src/mirror/reader';
import { eachOperationAnswersItsSchema, EVENT_OPERATIONS } from '../support/documented';
import { CHANNEL, sampleLedger, TOKEN_ACCOUNTS } from '../support/ledger';
import { ALL_ROLES, assertRoleMatrix } from '../support/role-matrix';
import type { LoggedIn, MirroredApi, TestApi, TestDatabases } from '../support/stack';
import {
  appApiEnv,
  call,
  login,
  startAppApi,
  startMirroredApi,
  TEST_ADMIN,
  TEST_JWT_SECRET,
} from '../support/stack';

interface ErrorBody {
  error: { code: string; message: string; problems?: { field: string }[] };
}
interface Page<T> {
  items: T[];
  page: { limit: number; nextCursor: string | null };
  mirror: { syncedBlock: number };
}
interface AssetItem {
  id: string;
  type: string;
  owner: { mspId: string; ownerId: string };
  status: string;
  updatedAt: string;
}

const PASSWORD = 'portal user pass 2026';
const codeOf = (body: unknown) => (body as ErrorBody).error.code;

describe('app-api over real Postgres and a real datasync mirror', function () {
  this.timeout(180_000);
  let databases: TestDatabases;
  let stack: MirroredApi;
  let source: ReplayBlockSource;
  let ledger: ReturnType<typeof sampleLedger>;
  let api: TestApi;
  let admin: LoggedIn;
  const sessions = new Map<string, LoggedIn>();

  before(async function () {
    ledger = sampleLedger();
    source = new ReplayBlockSource(ledger.blocks);
    stack = await startMirroredApi('api', source, {
      overrides: {
        APP_API_LOCKOUT_THRESHOLD: '3',
        APP_API_WAIT_TIMEOUT_MS: '300',
        RATE_LIMIT_LOGIN_PER_IP: '500',
      },
      syncedBlock: ledger.lastBlock,
    });
    ({ databases, api } = stack);
    admin = await login(api.base, TEST_ADMIN.username, TEST_ADMIN.password);
  });

  after(async function () {
    await stack?.stop();
  });

  async function userWith(role: string, username = `${role}-one`): Promise<LoggedIn> {
    const existing = sessions.get(username);
    if (existing) return existing;
    const created = await call(api.base, 'POST', '/v1/users', {
      token: admin.accessToken,
      body: { username, password: PASSWORD, roles: [role], fabricIdentity: `${role}Identity` },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const session = await login(api.base, username, PASSWORD);
    sessions.set(username, session);
    return session;
  }

  describe('first administrator and users', function () {
    it('created the first admin from APP_API_ADMIN_USERNAME, who may manage users', async function () {
      assert.deepEqual(admin.user.roles, ['admin']);
      assert.ok(admin.user.permissions.includes('users:write'));
      const roles = await call<{ items: { name: string }[] }>(api.base, 'GET', '/v1/roles', {
        token: admin.accessToken,
      });
      assert.deepEqual(roles.body.items.map((role) => role.name).sort(), [...ALL_ROLES].sort());
    });

    it('creates an admin from the command line, with a password read from standard input', async function () {
      const child = spawn(
        process.execPath,
        [
          '--require',
          'tsx/cjs',
          path.resolve(__dirname, '../../src/index.ts'),
          'create-admin',
          '--username',
          'ops-lead',
          '--password-stdin',
        ],
        {
          env: {
            ...process.env,
            DATABASE_URL: databases.appUrl,
            LOG_LEVEL: 'silent',
            APP_API_PASSWORD_COST: '14',
          },
        },
      );
      child.stdin.end('command line pass 2026\n');
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.equal(code, 0, output);
      assert.match(output, /created administrator 'ops-lead'/);
      assert.doesNotMatch(output, /command line pass/);
      const session = await login(api.base, 'ops-lead', 'command line pass 2026');
      assert.deepEqual(session.user.roles, ['admin']);
    });

    it('refuses a weak password, an unknown role and a taken name, naming the field', async function () {
      const weak = await call(api.base, 'POST', '/v1/users', {
        token: admin.accessToken,
        body: { username: 'weakling', password: 'aaaaaaaaaaaa', roles: ['member'] },
      });
      assert.equal(weak.status, 400);
      assert.deepEqual(
        (weak.body as unknown as ErrorBody).error.problems?.map((p) => p.field),
        ['body.password'],
      );
      const unknown = await call(api.base, 'POST', '/v1/users', {
        token: admin.accessToken,
        body: { username: 'someone', password: PASSWORD, roles: ['superuser'] },
      });
      assert.equal(unknown.status, 400);
      assert.equal(codeOf(unknown.body), 'UNKNOWN_ROLE');
      const taken = await call(api.base, 'POST', '/v1/users', {
        token: admin.accessToken,
        body: { username: TEST_ADMIN.username, password: PASSWORD, roles: ['member'] },
      });
      assert.equal(taken.status, 409);
    });

    it('never answers a password hash or login counter when creating or changing a user', async function () {
      const created = await call(api.base, 'POST', '/v1/users', {
        token: admin.accessToken,
        body: { username: 'hash-watch', password: PASSWORD, roles: ['member'] },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const changed = await call(api.base, 'PATCH', '/v1/users/hash-watch', {
        token: admin.accessToken,
        body: { displayName: 'Hash Watch', password: `${PASSWORD} new` },
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      for (const body of [created.body, changed.body]) {
        assert.equal(body.username, 'hash-watch');
        assert.ok(!('passwordHash' in body), JSON.stringify(body));
        assert.ok(!('failedLogins' in body), JSON.stringify(body));
        assert.doesNotMatch(JSON.stringify(body), /scrypt/);
      }
    });

    it('disabling a user ends their sessions at once', async function () {
      const member = await userWith('member', 'leaving-member');
      assert.equal(
        (await call(api.base, 'GET', '/v1/me', { token: member.accessToken })).status,
        200,
      );
      const disabled = await call(api.base, 'PATCH', '/v1/users/leaving-member', {
        token: admin.accessToken,
        body: { disabled: true },
      });
      assert.equal(disabled.status, 200);
      assert.equal(
        (await call(api.base, 'GET', '/v1/me', { token: member.accessToken })).status,
        401,
      );
      const again = await call(api.base, 'POST', '/v1/auth/login', {
        body: { username: 'leaving-member', password: PASSWORD },
      });
      assert.equal(again.status, 403);
      assert.equal(codeOf(again.body), 'ACCOUNT_DISABLED');
    });

    it('never leaves the consortium without an enabled admin', async function () {
      const answer = await call(api.base, 'PATCH', `/v1/users/${TEST_ADMIN.username}`, {
        token: admin.accessToken,
        body: { roles: ['member'] },
      });
      // ops-lead is an admin too, so this is allowed; demoting the last one is not.
      assert.equal(answer.status, 200);
      const restore = await call(api.base, 'PATCH', `/v1/users/${TEST_ADMIN.username}`, {
        token: admin.accessToken,
        body: { roles: ['admin'] },
      });
      assert.equal(restore.status, 403, 'the demoted caller lost users:write');
      const lead = await login(api.base, 'ops-lead', 'command line pass 2026');
      const back = await call(api.base, 'PATCH', `/v1/users/${TEST_ADMIN.username}`, {
        token: lead.accessToken,
        body: { roles: ['admin'] },
      });
      assert.equal(back.status, 200);
      await call(api.base, 'PATCH', '/v1/users/ops-lead', {
        token: lead.accessToken,
        body: { disabled: true },
      });
      const last = await call(api.base, 'PATCH', `/v1/users/${TEST_ADMIN.username}`, {
        token: (admin = await login(api.base, TEST_ADMIN.username, TEST_ADMIN.password))
          .accessToken,
        body: { disabled: true },
      });
      assert.equal(last.status, 409);
      assert.equal(codeOf(last.body), 'LAST_ADMIN');
    });
  });

  describe('authentication', function () {
    it('locks an account after repeated failures, with Retry-After', async function () {
      await userWith('member', 'forgetful');
      const statuses = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        statuses.push(
          (
            await call(api.base, 'POST', '/v1/auth/login', {
              body: { username: 'forgetful', password: 'wrong password 1' },
            })
          ).status,
        );
      }
      assert.deepEqual(statuses, [401, 401, 423]);
      const locked = await call(api.base, 'POST', '/v1/auth/login', {
        body: { username: 'forgetful', password: PASSWORD },
      });
      assert.equal(locked.status, 423, 'even the right password waits for the lock to end');
      assert.ok(Number(locked.headers.get('retry-after')) > 60);
    });

    it('checks no more guesses than the lock-out threshold, even sent in parallel', async function () {
      await userWith('member', 'parallel-target');
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, index) =>
          call(api.base, 'POST', '/v1/auth/login', {
            body: { username: 'parallel-target', password: `wrong password ${index}` },
          }),
        ),
      );
      const statuses = answers.map((answer) => answer.status);
      // threshold 3: two guesses refused as wrong, the third locks, every other one is locked out
      assert.equal(statuses.filter((status) => status === 401).length, 2, statuses.join(','));
      assert.equal(statuses.filter((status) => status === 423).length, 10, statuses.join(','));
      const right = await call(api.base, 'POST', '/v1/auth/login', {
        body: { username: 'parallel-target', password: PASSWORD },
      });
      assert.equal(right.status, 423);
    });

    it('answers an unknown user like a wrong password', async function () {
      const answer = await call(api.base, 'POST', '/v1/auth/login', {
        body: { username: 'nobody-at-all', password: 'whatever pass 1' },
      });
      assert.equal(answer.status, 401);
      assert.equal(codeOf(answer.body), 'INVALID_CREDENTIALS');
    });

    it('rotates refresh tokens, and a reused one ends the session', async function () {
      const first = await userWith('auditor', 'rotating-auditor');
      const refreshed = await call<LoggedIn>(api.base, 'POST', '/v1/auth/refresh', {
        body: { refreshToken: first.refreshToken },
      });
      assert.equal(refreshed.status, 200);
      assert.notEqual(refreshed.body.refreshToken, first.refreshToken);
      assert.equal(
        (await call(api.base, 'GET', '/v1/me', { token: refreshed.body.accessToken })).status,
        200,
      );
      const reused = await call(api.base, 'POST', '/v1/auth/refresh', {
        body: { refreshToken: first.refreshToken },
      });
      assert.equal(reused.status, 401);
      assert.equal(codeOf(reused.body), 'REFRESH_TOKEN_REUSED');
      const after = await call(api.base, 'GET', '/v1/me', { token: refreshed.body.accessToken });
      assert.equal(after.status, 401);
      assert.equal(codeOf(after.body), 'SESSION_REVOKED');
      sessions.delete('rotating-auditor');
    });

    it('logout ends the session: its access token and refresh token stop working', async function () {
      const session = await login(api.base, TEST_ADMIN.username, TEST_ADMIN.password);
      const out = await call(api.base, 'POST', '/v1/auth/logout', {
        body: { refreshToken: session.refreshToken },
      });
      assert.equal(out.status, 204);
      assert.equal(
        (await call(api.base, 'GET', '/v1/me', { token: session.accessToken })).status,
        401,
      );
      const refresh = await call(api.base, 'POST', '/v1/auth/refresh', {
        body: { refreshToken: session.refreshToken },
      });
      assert.equal(refresh.status, 401);
    });

    it('refuses expired and tampered access tokens', async function () {
      const secret = new TextEncoder().encode(TEST_JWT_SECRET);
      const options = { issuer: 'consortia-app-api', audience: 'consortia-portal', ttlSeconds: 60 };
      const past = new AccessTokens(secret, options, () => Date.now() - 3_600_000);
      const expired = await past.issue({
        sub: admin.user.id,
        sid: '00000000-0000-4000-8000-000000000000',
        username: TEST_ADMIN.username,
        roles: ['admin'],
      });
      const answer = await call(api.base, 'GET', '/v1/me', { token: expired.token });
      assert.equal(answer.status, 401);
      assert.equal(codeOf(answer.body), 'TOKEN_EXPIRED');
      assert.match(answer.headers.get('www-authenticate') ?? '', /invalid_token/);

      const member = await userWith('member');
      const [header, payload, signature] = member.accessToken.split('.');
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<
        string,
        unknown
      >;
      const forged = Buffer.from(
        JSON.stringify({ ...claims, sub: admin.user.id, roles: ['admin'] }),
      ).toString('base64url');
      const tampered = await call(api.base, 'GET', '/v1/users', {
        token: `${header}.${forged}.${signature}`,
      });
      assert.equal(tampered.status, 401);
      assert.equal(codeOf(tampered.body), 'INVALID_TOKEN');
    });
  });

  describe('the role matrix, with roles and permissions from the database', function () {
    it('lets each role call exactly the operations it is granted', async function () {
      const tokens = new Map<string, string>();
      for (const role of ALL_ROLES)
        tokens.set(role, (await userWith(role, `matrix-${role}`)).accessToken);
      // No DAPP here: the caller's own token account needs it even to be read.
      await assertRoleMatrix(api.base, tokens, ['getMyAccount']);
    });
  });

  describe('reads from the mirror', function () {
    it('lists assets with filters, sort and cursor pagination, saying how fresh they are', async function () {
      const member = await userWith('member');
      const all: AssetItem[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query = `/v1/assets?ownerMsp=Org1MSP&sort=id&limit=5${cursor ? `&cursor=${cursor}` : ''}`;
        const answer: { status: number; body: Page<AssetItem>; headers: Headers } = await call<
          Page<AssetItem>
        >(api.base, 'GET', query, { token: member.accessToken });
        assert.equal(answer.status, 200);
        assert.equal(answer.body.mirror.syncedBlock, ledger.lastBlock);
        assert.equal(answer.headers.get('x-mirror-block'), String(ledger.lastBlock));
        all.push(...answer.body.items);
        cursor = answer.body.page.nextCursor;
        pages++;
      } while (cursor);
      assert.equal(all.length, 18, 'the 18 assets of Org1MSP');
      assert.equal(pages, 4);
      assert.deepEqual(
        all.map((asset) => asset.id),
        [...all.map((asset) => asset.id)].sort(),
      );
      assert.ok(all.every((asset) => asset.owner.mspId === 'Org1MSP'));

      const newest = await call<Page<AssetItem>>(api.base, 'GET', '/v1/assets?limit=1', {
        token: member.accessToken,
      });
      assert.equal(newest.body.items[0]?.id, 'A001', 'default sort: most recently updated first');

      const filtered = await call<Page<AssetItem>>(
        api.base,
        'GET',
        '/v1/assets?type=pallet&ownerId=bob&attr=color:blue&status=ACTIVE',
        { token: member.accessToken },
      );
      assert.equal(filtered.status, 200, JSON.stringify(filtered.body));
      assert.deepEqual(filtered.body.items.map((asset) => asset.id).sort(), [
        'A003',
        'A009',
        'A021',
      ]);
      const wrongCursor = await call(
        api.base,
        'GET',
        `/v1/assets?sort=-id&cursor=${cursor ?? 'x'}`,
        {
          token: member.accessToken,
        },
      );
      assert.equal(wrongCursor.status, 400);
    });

    it('gets one asset with its history, newest first', async function () {
      const member = await userWith('member');
      const answer = await call<{
        asset: AssetItem;
        history: { function: string; correlationId: string }[];
      }>(api.base, 'GET', '/v1/assets/A001', { token: member.accessToken });
      assert.equal(answer.status, 200);
      assert.equal(answer.body.asset.status, 'INSPECTED');
      assert.deepEqual(
        answer.body.history.map((entry) => entry.function),
        ['AssetContract:UpdateAsset', 'AssetContract:CreateAsset'],
      );
      assert.deepEqual(
        answer.body.history.map((entry) => entry.correlationId),
        ['corr-update', 'corr-A001'],
      );
      const missing = await call(api.base, 'GET', '/v1/assets/NOPE', { token: member.accessToken });
      assert.equal(missing.status, 404);
    });

    it('shows the token and balances in decimal, biggest first, with pending credits', async function () {
      const auditor = await userWith('auditor');
      const token = await call<{ token: { symbol: string; totalSupply: string; cap: string } }>(
        api.base,
        'GET',
        '/v1/tokens',
        { token: auditor.accessToken },
      );
      assert.equal(token.body.token.symbol, 'TT');
      assert.equal(token.body.token.totalSupply, '1500.75');
      const balances = await call<
        Page<{ account: string; balance: string; pendingCredits: string }>
      >(api.base, 'GET', '/v1/tokens/balances?minBalance=1', { token: auditor.accessToken });
      assert.deepEqual(
        balances.body.items.map((item) => [item.account, item.balance, item.pendingCredits]),
        [
          [TOKEN_ACCOUNTS.rich, '1000', '0'],
          [TOKEN_ACCOUNTS.pending, '500', '500'],
        ],
      );
    });

    it('finds mirrored transactions by the correlation id their events carry', async function () {
      const operator = await userWith('operator');
      const answer = await call<Page<{ function: string; correlationId: string; valid: boolean }>>(
        api.base,
        'GET',
        '/v1/transactions?correlationId=corr-update',
        { token: operator.accessToken },
      );
      assert.equal(answer.status, 200);
      assert.equal(answer.body.items.length, 1);
      assert.equal(answer.body.items[0]?.function, 'AssetContract:UpdateAsset');
      assert.equal(answer.body.items[0]?.valid, true);
    });

    it('many requests waiting for a block cost one mirror query per interval', async function () {
      let queries = 0;
      const reader = new MirrorReader(
        { connectionString: databases.mirrorUrl },
        CHANNEL,
        'consortia',
        (query) => {
          if (query === 'freshness') queries++;
        },
        5_000,
        { pollMs: 100, maxWaiters: 1_000 },
      );
      try {
        const outcomes = await Promise.all(
          Array.from({ length: 100 }, () => reader.waitForBlock(ledger.lastBlock + 1_000, 500)),
        );
        assert.ok(outcomes.every((outcome) => !outcome.reached));
        assert.ok(queries <= 12, `${queries} queries for 100 waiters over 0.5 s`);
      } finally {
        await reader.close();
      }
    });

    it('waits for a block with minBlock (read your own write), or says the mirror is behind', async function () {
      const member = await userWith('member');
      const next = ledger.lastBlock + 1;
      const behind = await call(
        api.base,
        'GET',
        `/v1/assets/A002?minBlock=${next}&waitTimeoutMs=200`,
        {
          token: member.accessToken,
        },
      );
      assert.equal(behind.status, 504);
      assert.equal(codeOf(behind.body), 'MIRROR_BEHIND');
      assert.equal(behind.headers.get('retry-after'), '1');

      const pending = call<{ asset: AssetItem; mirror: { syncedBlock: number } }>(
        api.base,
        'GET',
        `/v1/assets/A002?minBlock=${next}&waitTimeoutMs=10000`,
        { token: member.accessToken },
      );
      const { createHash } = await import('node:crypto');
      // The next block links to the hash of the last one; datasync checks the link.
      const previousHash = (await api.service.mirror.freshness()).lastBlockHash;
      assert.ok(previousHash);
      source.append(
        endorserBlock(CHANNEL, next, Buffer.from(previousHash, 'hex'), [
          {
            txId: createHash('sha256').update('late write').digest('hex'),
            args: ['AssetContract:UpdateAsset', 'A002'],
            writes: [
              {
                key: compositeKey('asset', 'A002'),
                value: JSON.stringify({
                  docType: 'asset',
                  id: 'A002',
                  type: 'container',
                  owner: { mspId: 'Org1MSP', ownerId: 'alice' },
                  attributes: {},
                  status: 'SHIPPED',
                  privateDetailsHash: '',
                  createdAt: '2026-01-05T10:01:00.000Z',
                  updatedAt: '2026-01-05T11:00:00.000Z',
                }),
              },
            ],
          },
        ]).block,
      );
      const answer = await pending;
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.asset.status, 'SHIPPED');
      assert.equal(answer.body.mirror.syncedBlock, next);
    });
  });

  describe('writes and the audit trail', function () {
    it('answers a write 503 when the DAPP cannot be reached, and records it', async function () {
      const member = await userWith('member');
      const answer = await call(api.base, 'POST', '/v1/assets', {
        token: member.accessToken,
        headers: { 'x-correlation-id': 'corr-no-dapp' },
        body: { id: 'NEW-1', type: 'container', attributes: { color: 'green' } },
      });
      assert.equal(answer.status, 503);
      assert.equal(codeOf(answer.body), 'DAPP_UNAVAILABLE');
      assert.equal(answer.headers.get('x-correlation-id'), 'corr-no-dapp');
    });

    it('lets an auditor query the trail of writes and denials; others may not', async function () {
      await api.service.recorder.flush();
      const auditor = await userWith('auditor');
      const trail = await call<{
        items: {
          username: string;
          roles: string[];
          action: string;
          outcome: string;
          status: number;
          correlationId: string;
        }[];
      }>(api.base, 'GET', '/v1/audit?correlationId=corr-no-dapp', { token: auditor.accessToken });
      assert.equal(trail.status, 200);
      assert.equal(trail.body.items.length, 1);
      assert.deepEqual(
        (({ username, roles, action, outcome, status }) => ({
          username,
          roles,
          action,
          outcome,
          status,
        }))(trail.body.items[0] ?? ({} as never)),
        {
          username: 'member-one',
          roles: ['member'],
          action: 'createAsset',
          outcome: 'failed',
          status: 503,
        },
      );
      const denied = await call<{ items: { action: string; outcome: string }[] }>(
        api.base,
        'GET',
        '/v1/audit?outcome=denied&limit=200',
        { token: auditor.accessToken },
      );
      assert.ok(denied.body.items.some((entry) => entry.action === 'listUsers'));
      assert.ok(denied.body.items.some((entry) => entry.action === 'login'));
      const member = await userWith('member');
      assert.equal(
        (await call(api.base, 'GET', '/v1/audit', { token: member.accessToken })).status,
        403,
      );
    });

    it('keeps the trail append-only, even for the database user', async function () {
      const client = new pg.Client({ connectionString: databases.appUrl });
      await client.connect();
      try {
        await assert.rejects(client.query('DELETE FROM audit_log'), /append-only/);
        await assert.rejects(
          client.query("UPDATE audit_log SET outcome = 'success'"),
          /append-only/,
        );
      } finally {
        await client.end();
      }
    });
  });

  describe('rate limits', function () {
    it('limits logins by the connecting address unless a configured proxy names the client', async function () {
      const attempt = (base: string, client: string) =>
        call(base, 'POST', '/v1/auth/login', {
          body: { username: 'nobody-at-all', password: 'whatever pass 1' },
          headers: { 'x-forwarded-for': client },
        }).then((answer) => answer.status);
      const direct = await startAppApi(appApiEnv(databases, { RATE_LIMIT_LOGIN_PER_IP: '3' }));
      try {
        const statuses = [];
        for (let index = 0; index < 5; index++) {
          statuses.push(await attempt(direct.base, `203.0.113.${index}`));
        }
        assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
      } finally {
        await direct.stop();
      }
      const proxied = await startAppApi(
        appApiEnv(databases, {
          RATE_LIMIT_LOGIN_PER_IP: '3',
          APP_API_TRUSTED_PROXIES: '127.0.0.1',
        }),
      );
      try {
        for (let index = 0; index < 3; index++) {
          assert.equal(await attempt(proxied.base, '203.0.113.50'), 401);
        }
        assert.equal(await attempt(proxied.base, '203.0.113.50'), 429);
        assert.equal(await attempt(proxied.base, '203.0.113.51'), 401);
      } finally {
        await proxied.stop();
      }
    });

    it('answers a burst past the per-user limit with 429 and Retry-After', async function () {
      const limited = await startAppApi(appApiEnv(databases, { RATE_LIMIT_PER_USER: '10' }));
      try {
        const member = await login(limited.base, 'member-one', PASSWORD);
        const statuses = await Promise.all(
          Array.from({ length: 15 }, () =>
            call(limited.base, 'GET', '/v1/mirror/status', { token: member.accessToken }).then(
              (answer) => answer,
            ),
          ),
        );
        const refused = statuses.filter((answer) => answer.status === 429);
        assert.equal(statuses.filter((answer) => answer.status === 200).length, 10);
        assert.equal(refused.length, 5);
        assert.ok(Number(refused[0]?.headers.get('retry-after')) >= 1);
        assert.equal(codeOf(refused[0]?.body), 'RATE_LIMITED');
      } finally {
        await limited.stop();
      }
    });
  });

  describe('every answer matches the API document', function () {
    before(async function () {
      // operations the other tests only call to see them refused
      const fetched = await call(api.base, 'GET', '/v1/users/hash-watch', {
        token: admin.accessToken,
      });
      assert.equal(fetched.status, 200, JSON.stringify(fetched.body));
      const changer = await userWith('member', 'password-changer');
      const changed = await call(api.base, 'POST', '/v1/me/password', {
        token: changer.accessToken,
        body: { currentPassword: PASSWORD, newPassword: `${PASSWORD} changed` },
      });
      assert.equal(changed.status, 204, JSON.stringify(changed.body));
    });
    // Writes need a DAPP; the real-network suite checks their answers.
    eachOperationAnswersItsSchema(
      new Set([
        'createAsset',
        'updateAsset',
        'transferAsset',
        'transferTokens',
        'mintTokens',
        'getRequest',
        // asks the chaincode for the caller's account id
        'getMyAccount',
        // users' own identities, at the DAPP: user-identities.test.ts checks their answers
        'getUserFabricIdentity',
        'reenrollUserFabricIdentity',
        'revokeUserFabricIdentity',
        // event subscriptions: events.test.ts checks their answers
        ...EVENT_OPERATIONS,
      ]),
    );
  });
});
