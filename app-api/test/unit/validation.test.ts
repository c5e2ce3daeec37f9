// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { ROLES } from '../../src/store/migrations/1700000000000_access-control';
import type { FakeApp } from '../support/fake-app';
import { startFakeApp } from '../support/fake-app';
import { call } from '../support/http';

interface ErrorBody {
  error: { code: string; message: string; problems?: { field: string; message: string }[] };
}

const fields = (body: unknown) =>
  ((body as ErrorBody).error.problems ?? []).map((problem) => problem.field);

describe('input validation against the OpenAPI document', function () {
  let app: FakeApp;
  let token: string;
  let logged: string[];

  before(async function () {
    logged = [];
    const { createLogger } = await import('@consortia/common');
    const logger = createLogger('app-api-unit', 'silent');
    app = await startFakeApp({
      bodyLimit: '1kb',
      corsOrigins: ['https://portal.example'],
      logger,
      mirror: {
        // A read that fails unexpectedly: the answer must not carry the error's stack.
        getAsset: async () => {
          logged.push('getAsset');
          throw new Error('connection reset at /srv/secret/path.ts:12');
        },
      },
    });
    token = await app.tokenFor({
      id: 'u-admin',
      username: 'admin',
      roles: ['admin'],
      permissions: ROLES.admin?.permissions ?? [],
    });
  });

  after(async function () {
    await app.close();
  });

  it('answers a bad query parameter with 400 naming it', async function () {
    const answer = await call(app.base, 'GET', '/v1/assets?limit=500&sort=colour', { token });
    assert.equal(answer.status, 400);
    assert.equal((answer.body as unknown as ErrorBody).error.code, 'INVALID_REQUEST');
    assert.deepEqual(fields(answer.body).sort(), ['query.limit', 'query.sort']);
  });

  it('refuses unknown query parameters', async function () {
    const answer = await call(app.base, 'GET', '/v1/assets?colour=red', { token });
    assert.equal(answer.status, 400);
    assert.match((answer.body as unknown as ErrorBody).error.message, /colour/);
  });

  it('answers a body missing fields or with wrong types with 400 naming each field', async function () {
    const answer = await call(app.base, 'POST', '/v1/assets', {
      token,
      body: { id: 'has spaces', attributes: 'not an object' },
    });
    assert.equal(answer.status, 400);
    const named = fields(answer.body);
    for (const field of ['body.id', 'body.type', 'body.attributes']) {
      assert.ok(named.includes(field), `${field} in ${JSON.stringify(named)}`);
    }
  });

  it('checks amounts, accounts and path parameters', async function () {
    const transfer = await call(app.base, 'POST', '/v1/tokens/transfers', {
      token,
      body: { to: 'not-an-account', amount: '-5' },
    });
    assert.equal(transfer.status, 400);
    assert.deepEqual(fields(transfer.body).sort(), ['body.amount', 'body.to']);
    const path = await call(app.base, 'GET', '/v1/users/UPPER%20CASE', { token });
    assert.equal(path.status, 400);
    assert.deepEqual(fields(path.body), ['path.username']);
  });

  it('refuses extra body properties', async function () {
    const answer = await call(app.base, 'POST', '/v1/auth/login', {
      body: { username: 'alice', password: 'x'.repeat(12), admin: true },
    });
    assert.equal(answer.status, 400);
    assert.match((answer.body as unknown as ErrorBody).error.message, /admin/);
  });

  it('answers malformed JSON with 400 and a body over the limit with 413', async function () {
    const broken = await call(app.base, 'POST', '/v1/auth/login', { body: '{"username":' });
    assert.equal(broken.status, 400);
    assert.equal((broken.body as unknown as ErrorBody).error.code, 'INVALID_JSON');
    const large = await call(app.base, 'POST', '/v1/auth/login', {
      body: { username: 'alice', password: 'x'.repeat(4096) },
    });
    assert.equal(large.status, 413);
  });

  it('answers unknown routes 404 and wrong methods 405, also without a token', async function () {
    assert.equal((await call(app.base, 'GET', '/v1/nothing-here')).status, 404);
    assert.equal((await call(app.base, 'GET', '/v2/assets', { token })).status, 404);
    assert.equal((await call(app.base, 'DELETE', '/v1/assets', { token })).status, 405);
  });

  it('answers an unexpected failure with 500 and no stack trace or internal detail', async function () {
    const answer = await call(app.base, 'GET', '/v1/assets/A001', { token });
    assert.equal(answer.status, 500);
    assert.deepEqual(answer.body, {
      error: { code: 'INTERNAL', message: 'the app-api could not handle this request' },
    });
    assert.deepEqual(logged, ['getAsset']);
  });

  it('sets security headers and honours the CORS allow-list', async function () {
    const allowed = await call(app.base, 'GET', '/v1/mirror/status', {
      token,
      headers: { origin: 'https://portal.example' },
    });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://portal.example');
    assert.equal(allowed.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(allowed.headers.get('strict-transport-security'));
    assert.ok(allowed.headers.get('content-security-policy'));
    assert.equal(allowed.headers.get('x-powered-by'), null);
    const foreign = await call(app.base, 'GET', '/v1/mirror/status', {
      token,
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });

  it('serves the OpenAPI document and the browsable docs without a token', async function () {
    const document = await call(app.base, 'GET', '/openapi.json');
    assert.equal(document.status, 200);
    assert.equal((document.body as { openapi: string }).openapi, '3.0.3');
    const docs = await fetch(`${app.base}/docs/`);
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /swagger-ui/i);
  });
});

describe('rate limits', function () {
  it('answers a burst past the per-user limit with 429 and Retry-After', async function () {
    const app = await startFakeApp({ perUser: 5 });
    try {
      const token = await app.tokenFor({
        id: 'u-1',
        username: 'burst',
        roles: ['member'],
        permissions: ['mirror:read'],
      });
      const statuses = [];
      for (let index = 0; index < 8; index++) {
        statuses.push((await call(app.base, 'GET', '/v1/mirror/status', { token })).status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
      const limited = await call(app.base, 'GET', '/v1/mirror/status', { token });
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      await app.recorder.flush();
      assert.ok(app.audit.some((entry) => entry.status === 429 && entry.outcome === 'denied'));
    } finally {
      await app.close();
    }
  });

  it('answers a burst past the per-address limit with 429, before authentication', async function () {
    const app = await startFakeApp({ perIp: 3 });
    try {
      const statuses = [];
      for (let index = 0; index < 5; index++) {
        statuses.push((await call(app.base, 'GET', '/v1/me')).status);
      }
      assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    } finally {
      await app.close();
    }
  });
});
