// SPDX-License-Identifier: Apache-2.0
/**
 * Permissions name what a route lets a caller do. Roles grant them; both live in the database
 * (tables roles, permissions, role_permissions), seeded by the first migration. Each operation of
 * the OpenAPI document names the one permission it requires (`x-permission`).
 */
export const PERMISSIONS = [
  'profile:read',
  'profile:write',
  'users:read',
  'users:write',
  'assets:read',
  'assets:write',
  'assets:write:any',
  'tokens:read',
  'tokens:transfer',
  'tokens:mint',
  'requests:read',
  'requests:read:any',
  'transactions:read',
  'mirror:read',
  'audit:read',
  'events:read',
  'events:read:any',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'operator', 'member', 'auditor'] as const;

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}

/** The authenticated caller of a request, as the database knows them right now. */
export interface Principal {
  userId: string;
  username: string;
  sessionId: string;
  roles: string[];
  permissions: ReadonlySet<string>;
  /** The DAPP signing identity this user acts as; the DAPP's default when undefined. */
  fabricIdentity: string | undefined;
}

export function can(principal: Pick<Principal, 'permissions'>, permission: Permission): boolean {
  return principal.permissions.has(permission);
}
