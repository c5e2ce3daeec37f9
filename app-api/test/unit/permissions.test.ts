// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { isPermission, PERMISSIONS } from '../../src/auth/permissions';
import type { HttpMethod } from '../../src/http/openapi';
import { isPublic, openApiDocument } from '../../src/http/openapi';
import {
  PERMISSIONS as SEEDED_PERMISSIONS,
  ROLES,
} from '../../src/store/migrations/1700000000000_access-control';
import {
  GRANTS as EVENT_GRANTS,
  PERMISSIONS as EVENT_PERMISSIONS,
} from '../../src/store/migrations/1700000000005_event-subscriptions';
import type { FakeApp } from '../support/fake-app';
import { startFakeApp } from '../support/fake-app';
import {
  ALL_ROLES,
  concretePath,
  EXPECTED_ACCESS,
  PUBLIC_OPERATIONS,
} from '../support/role-matrix';
import { call } from '../support/http';

const operations = Object.entries(openApiDocument.paths).flatMap(([route, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    route,
    method: method as HttpMethod,
    operation,
  })),
);

// Roles as the migrations leave them: the first one's grants, then the event permissions'.
const GRANTED: Record<string, string[]> = Object.fromEntries(
  Object.entries(ROLES).map(([role, { permissions }]) => [
    role,
    [...permissions, ...(EVENT_GRANTS[role] ?? [])],
  ]),
);

describe('permissions', function () {
  it('every operation is public or names a known permission', function () {
    for (const { operation } of operations) {
      if (isPublic(operation)) {
        assert.ok(
          PUBLIC_OPERATIONS.includes(operation.operationId),
          `${operation.operationId} is public`,
        );
      } else {
        assert.ok(
          isPermission(operation['x-permission']),
          `${operation.operationId} names no permission`,
        );
      }
    }
    assert.deepEqual(
      operations
        .filter(({ operation }) => isPublic(operation))
        .map(({ operation }) => operation.operationId)
        .sort(),
      [...PUBLIC_OPERATIONS].sort(),
    );
  });

  it('the seeded roles grant exactly the promised access to each operation', function () {
    assert.deepEqual(
      [...Object.keys(SEEDED_PERMISSIONS), ...Object.keys(EVENT_PERMISSIONS)].sort(),
      [...PERMISSIONS].sort(),
    );
    assert.deepEqual(Object.keys(ROLES).sort(), [...ALL_ROLES].sort());
    const protectedOperations = operations.filter(({ operation }) => !isPublic(operation));
    assert.deepEqual(
      protectedOperations.map(({ operation }) => operation.operationId).sort(),
      Object.keys(EXPECTED_ACCESS).sort(),
      'the expected matrix covers every operation',
    );
    for (const { operation } of protectedOperations) {
      for (const role of ALL_ROLES) {
        const granted = GRANTED[role]?.includes(operation['x-permission'] ?? '') ?? false;
        const expected = EXPECTED_ACCESS[operation.operationId]?.includes(role) ?? false;
        assert.equal(granted, expected, `${role} → ${operation.operationId}`);
      }
    }
  });

  describe('over HTTP, in front of the routes', function () {
    // Every operation as every role: slow on a busy machine.
    this.timeout(90_000);
    let app: FakeApp;
    before(async function () {
      app = await startFakeApp();
    });
    after(async function () {
      await app.close();
    });

    it('refuses every protected operation without a token (401) and lets each role through only where allowed (403 otherwise)', async function () {
      const tokens = new Map<string, string>();
      for (const role of ALL_ROLES) {
        tokens.set(
          role,
          await app.tokenFor({
            id: `u-${role}`,
            username: role,
            roles: [role],
            permissions: GRANTED[role] ?? [],
          }),
        );
      }
      for (const { route, method, operation } of operations) {
        if (isPublic(operation)) continue;
        const path = concretePath(route);
        const anonymous = await call(app.base, method.toUpperCase(), path, {
          body: method === 'get' ? undefined : {},
        });
        assert.equal(anonymous.status, 401, `${operation.operationId} without a token`);
        for (const role of ALL_ROLES) {
          const answer = await call(app.base, method.toUpperCase(), path, {
            token: tokens.get(role),
            body: method === 'get' ? undefined : {},
          });
          const allowed = EXPECTED_ACCESS[operation.operationId]?.includes(role);
          if (allowed)
            assert.notEqual(
              answer.status,
              403,
              `${role} → ${operation.operationId}: ${JSON.stringify(answer.body)}`,
            );
          else {
            assert.equal(
              answer.status,
              403,
              `${role} → ${operation.operationId}: ${JSON.stringify(answer.body)}`,
            );
            assert.equal((answer.body.error as { code: string }).code, 'FORBIDDEN');
          }
        }
      }
    });

    it('records each denied request in the audit trail with the user and role', async function () {
      const token = await app.tokenFor({
        id: 'u-aud',
        username: 'aud',
        roles: ['auditor'],
        permissions: ROLES.auditor?.permissions ?? [],
      });
      const answer = await call(app.base, 'GET', '/v1/users', {
        token,
        headers: { 'x-correlation-id': 'corr-denied-1' },
      });
      assert.equal(answer.status, 403);
      await app.recorder.flush();
      const entry = app.audit.find((item) => item.correlationId === 'corr-denied-1');
      assert.ok(entry, 'audit entry');
      assert.equal(entry.outcome, 'denied');
      assert.equal(entry.username, 'aud');
      assert.deepEqual(entry.roles, ['auditor']);
      assert.equal(entry.action, 'listUsers');
      assert.equal(entry.errorCode, 'FORBIDDEN');
    });

    it('refuses a disabled user and an ended session even with an unexpired token', async function () {
      const disabled = await app.tokenFor({
        id: 'u-off',
        username: 'off',
        roles: ['member'],
        permissions: ['profile:read'],
        disabled: true,
      });
      const ended = await app.tokenFor({
        id: 'u-end',
        username: 'end',
        roles: ['member'],
        permissions: ['profile:read'],
        sessionRevoked: true,
      });
      assert.equal((await call(app.base, 'GET', '/v1/me', { token: disabled })).status, 401);
      const revoked = await call(app.base, 'GET', '/v1/me', { token: ended });
      assert.equal(revoked.status, 401);
      assert.equal((revoked.body.error as { code: string }).code, 'SESSION_REVOKED');
    });
  });
});
