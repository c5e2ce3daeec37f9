// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import type { Logger } from '@consortia/common';
import { createLogger } from '@consortia/common';

import { closedDocument } from '../../src/http/responses';
import { openApiDocument } from '../../src/http/openapi';
import { ROLES } from '../../src/store/migrations/1700000000000_access-control';
import type { FakeApp } from '../support/fake-app';
import { startFakeApp } from '../support/fake-app';
import { call } from '../support/http';

const FRESHNESS = {
  channel: 'consortium',
  syncedBlock: 7,
  lastBlockHash: null,
  lastBlockTimestamp: null,
  syncedAt: null,
};

describe('answers checked against the OpenAPI document', function () {
  let app: FakeApp;
  let token: string;
  let extra: Record<string, unknown>;
  let reported: unknown[];

  before(async function () {
    reported = [];
    const logger = createLogger('app-api-unit', 'silent');
    const capturing = Object.assign(Object.create(logger) as Logger, {
      error: (detail: unknown) => reported.push(detail),
    });
    app = await startFakeApp({
      logger: capturing,
      mirror: { freshness: async () => ({ ...FRESHNESS, ...extra }) },
    });
    token = await app.tokenFor({
      id: 'u-admin',
      username: 'admin',
      roles: ['admin'],
      permissions: ROLES.admin?.permissions ?? [],
    });
  });

  after(async function () {
    await app?.close();
  });

  beforeEach(function () {
    extra = {};
    reported.length = 0;
  });

  it('sends an answer that matches its schema', async function () {
    const answer = await call(app.base, 'GET', '/v1/mirror/status', { token });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, FRESHNESS);
    assert.deepEqual(reported, []);
  });

  it('withholds an answer with an undeclared field (500) and logs which', async function () {
    extra = { passwordHash: '$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA' };
    const answer = await call(app.base, 'GET', '/v1/mirror/status', { token });
    assert.equal(answer.status, 500);
    assert.equal((answer.body as { error: { code: string } }).error.code, 'RESPONSE_INVALID');
    assert.doesNotMatch(JSON.stringify(answer.body), /scrypt/);
    assert.ok(
      reported.some((detail) => /additional/.test(JSON.stringify(detail))),
      JSON.stringify(reported),
    );
  });

  it('withholds an answer whose declared field has the wrong type', async function () {
    extra = { syncedBlock: 'seven' };
    const answer = await call(app.base, 'GET', '/v1/mirror/status', { token });
    assert.equal(answer.status, 500);
  });

  it('closes every object schema that lists properties, merging allOf', function () {
    const closed = closedDocument(openApiDocument).components.schemas;
    assert.equal(closed.User?.additionalProperties, false);
    assert.equal(closed.Me?.additionalProperties, false);
    const me = closed.Me?.properties as Record<string, unknown>;
    assert.ok(me.username && me.permissions, 'Me keeps User’s properties and its own');
    assert.equal(openApiDocument.components.schemas.User?.additionalProperties, undefined);
  });
});
