// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import type { HttpMethod } from '../../src/http/openapi';
import { isPublic, openApiDocument } from '../../src/http/openapi';
import { call } from './http';

// The access policy as the product promises it, written out independently of the migration that
// implements it: for each operation, the roles that may call it.
export const ALL_ROLES = ['admin', 'operator', 'member', 'auditor'] as const;
export type RoleName = (typeof ALL_ROLES)[number];

const everyone: RoleName[] = [...ALL_ROLES];
const writers: RoleName[] = ['admin', 'operator', 'member'];

export const EXPECTED_ACCESS: Record<string, RoleName[]> = {
  getMe: everyone,
  changePassword: everyone,
  listRoles: ['admin'],
  listUsers: ['admin'],
  createUser: ['admin'],
  getUser: ['admin'],
  updateUser: ['admin'],
  getUserFabricIdentity: ['admin'],
  reenrollUserFabricIdentity: ['admin'],
  revokeUserFabricIdentity: ['admin'],
  listAssets: everyone,
  getAsset: everyone,
  getAssetHistory: everyone,
  createAsset: writers,
  updateAsset: writers,
  transferAsset: writers,
  getToken: everyone,
  getMyAccount: everyone,
  listBalances: everyone,
  getBalance: everyone,
  transferTokens: writers,
  mintTokens: ['admin', 'operator'],
  getRequest: everyone,
  listTransactions: ['admin', 'operator', 'auditor'],
  getMirrorStatus: everyone,
  listMembers: everyone,
  listAudit: ['admin', 'auditor'],
  createEventSubscription: everyone,
  listEventSubscriptions: everyone,
  getEventSubscription: everyone,
  deleteEventSubscription: everyone,
  pauseEventSubscription: everyone,
  resumeEventSubscription: everyone,
  replayEventSubscription: everyone,
};

export const PUBLIC_OPERATIONS = ['login', 'refreshToken', 'logout'];

/** Concrete values for the path parameters of the document's routes. */
export const SAMPLE_PATH_VALUES: Record<string, string> = {
  username: 'nobody-here',
  assetId: 'A001',
  account: 'a'.repeat(64),
  requestId: 'no-such-request',
  subscriptionId: '00000000-0000-4000-8000-000000000000',
};

export function concretePath(template: string): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = SAMPLE_PATH_VALUES[name];
    if (value === undefined) throw new Error(`no sample value for path parameter ${name}`);
    return value;
  });
}

/**
 * Calls every protected operation as each role and checks the answer against EXPECTED_ACCESS:
 * 403 where the role lacks the permission, anything but 401/403 (and no server error) where it
 * has it. Writes carry an empty body, so a permitted caller is stopped by validation (400), which
 * runs after the permission check: nothing reaches the DAPP. `serverErrorsAllowed` names the
 * operations that need the DAPP even to read (a setting without one answers them 503).
 */
export async function assertRoleMatrix(
  base: string,
  tokens: ReadonlyMap<string, string>,
  serverErrorsAllowed: readonly string[] = [],
): Promise<number> {
  let checked = 0;
  for (const [route, methods] of Object.entries(openApiDocument.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (isPublic(operation)) continue;
      for (const role of ALL_ROLES) {
        const answer = await call(base, (method as HttpMethod).toUpperCase(), concretePath(route), {
          token: tokens.get(role),
          body: method === 'get' ? undefined : {},
        });
        const allowed = EXPECTED_ACCESS[operation.operationId]?.includes(role) ?? false;
        const label = `${role} → ${operation.operationId}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`;
        if (allowed) {
          assert.ok(answer.status !== 401 && answer.status !== 403, label);
          if (!serverErrorsAllowed.includes(operation.operationId))
            assert.ok(answer.status < 500, label);
        } else {
          assert.equal(answer.status, 403, label);
        }
        checked++;
      }
    }
  }
  assert.equal(checked, Object.keys(EXPECTED_ACCESS).length * ALL_ROLES.length);
  return checked;
}
