// SPDX-License-Identifier: Apache-2.0
/**
 * Creating a user gives them their own Fabric identity through the DAPP's enrollment route, and
 * their writes name it; a CA that is down is a 503 with no user created, refusals come before
 * the CA is asked, and a creation retried after its identity was made succeeds. Real Postgres;
 * the DAPP is a stand-in answering as its document says (the CA network test,
 * `npm run test:ca -w @consortia/dapp`, runs the real one).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { ReplayBlockSource } from '@consortia/datasync/testing';

import { sampleLedger } from '../support/ledger';
import type { LoggedIn, MirroredApi, TestApi } from '../support/stack';
import { call, login, startMirroredApi, TEST_ADMIN } from '../support/stack';

const PASSWORD = 'portal user pass 2026';

interface Seen {
  route: string;
  identity: string | undefined;
  apiKey: string | undefined;
  body: Record<string, unknown>;
}

/** The DAPP's enrollment and transaction routes; `caDown` answers enrollment as a CA outage. */
async function fakeDapp() {
  const seen: Seen[] = [];
  const state = { caDown: false, enrolled: new Set<string>() };
  const server = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      const send = (status: number, answer: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(JSON.stringify(answer));
      };
      const route = request.url ?? '';
      seen.push({
        route,
        body,
        identity: request.headers['x-fabric-identity']?.toString(),
        apiKey: request.headers['x-api-key']?.toString(),
      });
      if (route === '/healthz') return send(200, { status: 'ok' });
      if (route === '/v1/user-identities') {
        if (state.caDown) {
          return send(
            503,
            { error: { code: 'CA_UNAVAILABLE', message: 'the CA cannot be reached' } },
            { 'retry-after': '5' },
          );
        }
        const user = String(body.user);
        const created = !state.enrolled.has(user);
        state.enrolled.add(user);
        return send(created ? 201 : 200, { identity: `user:${user}`, created });
      }
      const managed = /^\/v1\/user-identities\/([^/]+)(?:\/(reenroll|revoke))?$/.exec(route);
      if (managed) {
        const user = decodeURIComponent(managed[1] ?? '');
        const action = managed[2];
        if (!state.enrolled.has(user)) {
          return send(404, { error: { code: 'IDENTITY_NOT_FOUND', message: user } });
        }
        return send(200, {
          identity: `user:${user}`,
          user,
          enrollmentId: user,
          mspId: 'Org1MSP',
          certificate: '-----BEGIN CERTIFICATE-----',
          serialNumber: action === 'reenroll' ? '02' : '01',
          notAfter: '2027-12-01T00:00:00.000Z',
          revoked: action === 'revoke',
          ...(action === 'revoke' ? { crl: '-----BEGIN X509 CRL-----' } : {}),
        });
      }
      if (route.endsWith('/transactions')) {
        return send(200, {
          requestId: body.requestId,
          status: 'committed',
          txId: 'a'.repeat(64),
          validationCode: 'VALID',
          blockNumber: '0',
          result: null,
        });
      }
      return send(404, { error: { code: 'NOT_FOUND', message: route } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    state,
    enrollments: () => seen.filter((entry) => entry.route === '/v1/user-identities'),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('app-api users with their own Fabric identities', function () {
  this.timeout(120_000);
  let dapp: Awaited<ReturnType<typeof fakeDapp>>;
  let stack: MirroredApi;
  let api: TestApi;
  let admin: LoggedIn;

  const create = (username: string, roles = ['member']) =>
    call(api.base, 'POST', '/v1/users', {
      token: admin.accessToken,
      body: { username, password: PASSWORD, roles },
    });

  before(async function () {
    dapp = await fakeDapp();
    stack = await startMirroredApi(
      'user-identities',
      new ReplayBlockSource(sampleLedger().blocks),
      {
        overrides: {
          APP_API_USER_IDENTITIES: 'true',
          DAPP_URL: dapp.url,
          DAPP_API_KEY: 'portal.secret',
        },
      },
    );
    ({ api } = stack);
    admin = await login(api.base, TEST_ADMIN.username, TEST_ADMIN.password);
  });

  after(async function () {
    await stack?.stop();
    await dapp?.stop();
  });

  it("enrolls a new user's identity with their role, and signs their writes with it", async function () {
    const created = await create('gina', ['operator', 'member']);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.fabricIdentity, 'user:gina');
    const [enrollment] = dapp.enrollments();
    assert.deepEqual(enrollment?.body, { user: 'gina', role: 'operator' });
    assert.equal(enrollment?.apiKey, 'portal.secret');
    const gina = await login(api.base, 'gina', PASSWORD);
    const sent = await call(api.base, 'POST', '/v1/tokens/transfers', {
      token: gina.accessToken,
      body: { to: 'b'.repeat(64), amount: '1' },
    });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const write = dapp.seen.find((entry) => entry.route.endsWith('/transactions'));
    assert.equal(write?.identity, 'user:gina');
  });

  it('answers 503 when the CA is down, creating no user', async function () {
    dapp.state.caDown = true;
    try {
      const refused = await create('hank');
      assert.equal(refused.status, 503);
      assert.equal((refused.body.error as { code: string }).code, 'CA_UNAVAILABLE');
      assert.equal(refused.headers.get('retry-after'), '5');
      const user = await call(api.base, 'GET', '/v1/users/hank', { token: admin.accessToken });
      assert.equal(user.status, 404);
    } finally {
      dapp.state.caDown = false;
    }
    assert.equal((await create('hank')).status, 201, 'created once the CA is back');
  });

  it('refuses a taken name or an unknown role before asking the CA', async function () {
    const before = dapp.enrollments().length;
    const taken = await create('gina');
    assert.equal(taken.status, 409);
    const unknown = await create('ivan', ['king']);
    assert.equal(unknown.status, 400);
    assert.equal(dapp.enrollments().length, before);
  });

  it("lets an admin read, re-enroll and revoke a user's own identity, with audit entries", async function () {
    const token = admin.accessToken;
    const read = await call(api.base, 'GET', '/v1/users/gina/fabric-identity', { token });
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.equal(read.body.identity, 'user:gina');
    assert.equal(read.body.user, undefined, 'only the documented fields');
    const reenrolled = await call(api.base, 'POST', '/v1/users/gina/fabric-identity/reenroll', {
      token,
    });
    assert.equal(reenrolled.status, 200, JSON.stringify(reenrolled.body));
    assert.equal(reenrolled.body.serialNumber, '02');
    const revoked = await call(api.base, 'POST', '/v1/users/gina/fabric-identity/revoke', {
      token,
      body: { reason: 'keycompromise' },
    });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assert.equal(revoked.body.revoked, true);
    assert.match(String(revoked.body.crl), /X509 CRL/);
    assert.equal(dapp.seen.at(-1)?.body.reason, 'keycompromise');
    const none = await call(api.base, 'GET', '/v1/users/root/fabric-identity', { token });
    assert.equal(none.status, 404, 'the admin signs with a configured identity, not their own');
    const gina = await login(api.base, 'gina', PASSWORD);
    const forbidden = await call(api.base, 'POST', '/v1/users/gina/fabric-identity/revoke', {
      token: gina.accessToken,
      body: {},
    });
    assert.equal(forbidden.status, 403);
    const audit = await call<{ items: { action: string; target: string }[] }>(
      api.base,
      'GET',
      '/v1/audit?username=root',
      { token },
    );
    const actions = audit.body.items
      .filter((item) => item.target === 'gina')
      .map((item) => item.action);
    assert.ok(actions.includes('reenrollUserFabricIdentity'), actions.join());
    assert.ok(actions.includes('revokeUserFabricIdentity'), actions.join());
  });

  it('creates a user whose identity an interrupted creation already made', async function () {
    dapp.state.enrolled.add('judy');
    const created = await create('judy');
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.fabricIdentity, 'user:judy');
  });
});
