// SPDX-License-Identifier: Apache-2.0
import { answer, body, failures, operation, z } from './kit';
import type { OpenAPIRegistry } from './kit';
import { Me } from './users';

export const LoginRequest = z
  .strictObject({
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(256),
  })
  .openapi('LoginRequest');

export const RefreshRequest = z
  .strictObject({ refreshToken: z.string().min(1).max(256) })
  .openapi('RefreshRequest');

export const PasswordChange = z
  .strictObject({
    currentPassword: z.string().min(1).max(256),
    newPassword: z.string().min(12).max(256),
  })
  .openapi('PasswordChange');

const TokenPair = z
  .object({
    tokenType: z.enum(['Bearer']).optional(),
    accessToken: z.string().optional(),
    expiresIn: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'Seconds the access token lives' }),
    refreshToken: z.string().optional(),
    refreshExpiresIn: z.number().int().optional(),
    user: Me.optional(),
  })
  .openapi('TokenPair');

/** Logging in and out, and the caller's own profile. */
export function authOperations(registry: OpenAPIRegistry): void {
  operation(registry, {
    method: 'post',
    path: '/v1/auth/login',
    operationId: 'login',
    summary: 'Exchange a user name and password for an access and a refresh token',
    description:
      'Repeated failures lock the account for a while (`423 ACCOUNT_LOCKED` with `Retry-After`).',
    tag: 'auth',
    request: { body: body(LoginRequest) },
    responses: {
      '200': answer('Logged in', TokenPair),
      ...failures(
        { public: true },
        {
          401: 'Wrong user name or password (`INVALID_CREDENTIALS`)',
          403: 'The account is disabled',
          423: true,
          429: 'Too many login attempts from this address',
        },
      ),
    },
  });
  operation(registry, {
    method: 'post',
    path: '/v1/auth/refresh',
    operationId: 'refreshToken',
    summary: 'Spend a refresh token for a new access token and the next refresh token',
    description:
      'Refresh tokens rotate: each works once. Presenting a spent one ends the whole session.',
    tag: 'auth',
    request: { body: body(RefreshRequest) },
    responses: {
      '200': answer('New tokens', TokenPair),
      ...failures(
        { public: true },
        { 401: 'Unknown, expired, reused or revoked refresh token, or a disabled account' },
      ),
    },
  });
  operation(registry, {
    method: 'post',
    path: '/v1/auth/logout',
    operationId: 'logout',
    summary: 'End the session of a refresh token (its access tokens stop working too)',
    tag: 'auth',
    request: { body: body(RefreshRequest) },
    responses: {
      '204': answer('Logged out'),
      ...failures({ public: true }, { 401: 'Unknown refresh token' }),
    },
  });
  operation(registry, {
    method: 'get',
    path: '/v1/me',
    operationId: 'getMe',
    summary: 'The caller: roles, permissions, Fabric identity',
    tag: 'users',
    permission: 'profile:read',
    responses: { '200': answer('The caller', Me), ...failures({}) },
  });
  operation(registry, {
    method: 'post',
    path: '/v1/me/password',
    operationId: 'changePassword',
    summary: 'Change one’s own password (other sessions end)',
    tag: 'users',
    permission: 'profile:write',
    request: { body: body(PasswordChange) },
    responses: {
      '204': answer('Changed'),
      ...failures(
        {},
        {
          400: 'Invalid input, or the new password is too weak',
          403: 'The role lacks the permission, or the current password is wrong',
        },
      ),
    },
  });
}
