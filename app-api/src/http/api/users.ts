// SPDX-License-Identifier: Apache-2.0
import { PageInfo } from './common';
import { answer, body, failures, operation, USERNAME, z } from './kit';
import type { OpenAPIRegistry } from './kit';

const ROLE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const FABRIC_IDENTITY = /^[A-Za-z0-9_.-]{1,64}$/;

const roles = z.array(z.string().regex(ROLE_NAME)).min(1).max(8).openapi({ uniqueItems: true });

export const User = z
  .object({
    id: z.string().optional(),
    username: z.string().optional(),
    displayName: z.string().nullable().optional(),
    fabricIdentity: z.string().nullable().optional().openapi({
      description:
        "The DAPP signing identity (`x-fabric-identity`): `user:<username>` for the user's own, enrolled at the org's CA; null: the default",
    }),
    disabled: z.boolean().optional(),
    roles: z.array(z.string()).optional(),
    lockedUntil: z.string().nullable().optional(),
    lastLoginAt: z.string().nullable().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
    createdBy: z.string().nullable().optional(),
  })
  .openapi('User');

export const Me = User.extend({ permissions: z.array(z.string()).optional() }).openapi('Me');

const UserList = z
  .object({
    items: z.array(User).optional(),
    page: PageInfo.optional(),
  })
  .openapi('UserList');

const RoleList = z
  .object({
    items: z
      .array(
        z.object({
          name: z.string().optional(),
          description: z.string().optional(),
          permissions: z.array(z.string()).optional(),
        }),
      )
      .optional(),
  })
  .openapi('RoleList');

export const NewUser = z
  .strictObject({
    username: z.string().regex(USERNAME),
    password: z.string().min(12).max(256),
    displayName: z.string().min(1).max(128).optional(),
    roles,
    fabricIdentity: z.string().regex(FABRIC_IDENTITY).optional(),
  })
  .openapi('NewUser');

export const UserChanges = z
  .strictObject({
    displayName: z.string().min(1).max(128).nullable().optional(),
    roles: roles.optional(),
    disabled: z.boolean().optional(),
    fabricIdentity: z.string().regex(FABRIC_IDENTITY).nullable().optional(),
    password: z.string().min(12).max(256).optional(),
  })
  .openapi('UserChanges', { minProperties: 1 });

export const UserParams = z.object({
  username: z.string().regex(USERNAME).openapi({ description: 'User name' }),
});

const UsersQuery = z.object({
  limit: z
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .optional()
    .openapi({ description: 'Page size' }),
  after: z.string().regex(USERNAME).optional().openapi({
    description: 'Continue after this user name (the previous page’s `page.nextCursor`)',
  }),
  role: z.string().max(64).optional().openapi({ description: 'Only users with this role' }),
  disabled: z.boolean().optional().openapi({ description: 'Only disabled (or enabled) users' }),
});

export function userOperations(registry: OpenAPIRegistry): void {
  operation(registry, {
    method: 'get',
    path: '/v1/roles',
    operationId: 'listRoles',
    summary: 'Roles and the permissions each grants',
    tag: 'users',
    permission: 'users:read',
    responses: { '200': answer('Roles', RoleList), ...failures({}) },
  });
  operation(registry, {
    method: 'get',
    path: '/v1/users',
    operationId: 'listUsers',
    summary: 'Users, by user name',
    tag: 'users',
    permission: 'users:read',
    request: { query: UsersQuery },
    responses: { '200': answer('Users', UserList), ...failures({}) },
  });
  operation(registry, {
    method: 'post',
    path: '/v1/users',
    operationId: 'createUser',
    summary: 'Create a user with roles and their own Fabric identity (or a named DAPP identity)',
    description:
      "With APP_API_USER_IDENTITIES, a user created without `fabricIdentity` gets their own: registered and enrolled at the org's certificate authority through the DAPP (which keeps the key), with `consortia.user` and `consortia.role` in the certificate, and their writes are signed with it (`user:<username>`). The identity is made before the user: when the CA cannot be reached nothing is created (503); an identity made by a creation that failed afterwards is reused when the user is created again.",
    tag: 'users',
    permission: 'users:write',
    request: { body: body(NewUser) },
    responses: {
      '201': answer('Created', User),
      ...failures(
        {},
        {
          400: 'Invalid input, unknown role, or weak password',
          409: 'The user name is taken (`USER_EXISTS`), or their Fabric identity was revoked (`IDENTITY_REVOKED`) or the CA holds that name for another identity (`IDENTITY_EXISTS`)',
          502: 'The DAPP or the certificate authority refused to enroll the identity',
          503: "The organization's certificate authority (`CA_UNAVAILABLE`, see `Retry-After`) or the DAPP (`DAPP_UNAVAILABLE`) cannot be reached; nothing was created",
        },
      ),
    },
  });
  operation(registry, {
    method: 'get',
    path: '/v1/users/{username}',
    operationId: 'getUser',
    summary: 'One user',
    tag: 'users',
    permission: 'users:read',
    request: { params: UserParams },
    responses: { '200': answer('The user', User), ...failures({}, { 404: 'No such user' }) },
  });
  operation(registry, {
    method: 'patch',
    path: '/v1/users/{username}',
    operationId: 'updateUser',
    summary: 'Disable or enable a user, assign roles, set the Fabric identity or a password',
    description: 'Disabling a user, or setting their password, ends their sessions.',
    tag: 'users',
    permission: 'users:write',
    request: { params: UserParams, body: body(UserChanges) },
    responses: {
      '200': answer('The updated user', User),
      ...failures(
        {},
        {
          400: 'Invalid input, unknown role, or weak password',
          404: 'No such user',
          409: 'The change would leave no enabled admin (`LAST_ADMIN`)',
        },
      ),
    },
  });
}
