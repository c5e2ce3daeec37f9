// SPDX-License-Identifier: Apache-2.0
import { REVOCATION_REASONS, userIdentityFields } from '@consortia/common';

import type { OpenAPIRegistry } from './kit';
import { answer, body, failures, operation, z } from './kit';
import { UserParams } from './users';

// Administration of users' own Fabric identities (enrolled through the DAPP at the org's CA).

export const UserFabricIdentity = z
  .object({
    ...userIdentityFields,
    crl: z.string().optional().openapi({
      description:
        "After a revocation: the CA's new CRL (PEM); peers refuse the user once it is in the org's channel MSP",
    }),
  })
  .openapi('UserFabricIdentity');

export const RevokeFabricIdentity = z
  .strictObject({
    reason: z
      .enum(REVOCATION_REASONS)
      .optional()
      .openapi({ description: 'The CRL reason (default `unspecified`)' }),
  })
  .openapi('RevokeFabricIdentity');

const NO_IDENTITY = 'No such user, or the user has no Fabric identity of their own';
const CA_ANSWERS = {
  502: 'The DAPP or the certificate authority refused',
  503: "The organization's certificate authority (`CA_UNAVAILABLE`, see `Retry-After`) or the DAPP cannot be reached; nothing was changed",
} as const;

export function identityOperations(registry: OpenAPIRegistry): void {
  operation(registry, {
    method: 'get',
    path: '/v1/users/{username}/fabric-identity',
    operationId: 'getUserFabricIdentity',
    summary: "A user's own Fabric identity: certificate, expiry, revocation",
    tag: 'users',
    permission: 'users:read',
    request: { params: UserParams },
    responses: {
      '200': answer('The identity', UserFabricIdentity),
      ...failures({}, { 404: NO_IDENTITY, ...CA_ANSWERS }),
    },
  });
  operation(registry, {
    method: 'post',
    path: '/v1/users/{username}/fabric-identity/reenroll',
    operationId: 'reenrollUserFabricIdentity',
    summary: "A new certificate and key for a user's Fabric identity, before it expires",
    tag: 'users',
    permission: 'users:write',
    request: { params: UserParams },
    responses: {
      '200': answer('Re-enrolled', UserFabricIdentity),
      ...failures({}, { 404: NO_IDENTITY, ...CA_ANSWERS }),
    },
  });
  operation(registry, {
    method: 'post',
    path: '/v1/users/{username}/fabric-identity/revoke',
    operationId: 'revokeUserFabricIdentity',
    summary: "Revoke a user's Fabric identity at the CA; the DAPP stops signing as them",
    description:
      "The answer carries the CA's new CRL: once it is in the organization's channel MSP, peers refuse the user's transactions.",
    tag: 'users',
    permission: 'users:write',
    request: { params: UserParams, body: body(RevokeFabricIdentity) },
    responses: {
      '200': answer('Revoked', UserFabricIdentity),
      ...failures({}, { 404: NO_IDENTITY, ...CA_ANSWERS }),
    },
  });
}
