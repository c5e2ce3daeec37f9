// SPDX-License-Identifier: Apache-2.0
import { REVOCATION_REASONS, userIdentityFields } from '@consortia/common';

import type { OpenAPIRegistry } from './kit';
import { answer, body, failures, z } from './kit';

// Administration of per-user Fabric identities: enrolled at the org's CA with a key made in the
// DAPP (kept sealed in its Postgres), signed with as `user:<username>`.

/** The user names the app-api gives (also the enrollment id at the CA). */
export const USER_NAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;

export const NewUserIdentity = z
  .strictObject({
    user: z.string().regex(USER_NAME).openapi({
      description: 'The user name: the enrollment id, and `consortia.user` in the certificate',
    }),
    role: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,31}$/)
      .openapi({ description: '`consortia.role` in the certificate' }),
  })
  .openapi('NewUserIdentity');

export const RevokeUserIdentity = z
  .strictObject({
    reason: z
      .enum(REVOCATION_REASONS)
      .optional()
      .openapi({ description: 'The CRL reason (default `unspecified`)' }),
  })
  .openapi('RevokeUserIdentity');

const identityFields = { ...userIdentityFields, user: z.string() };

export const UserIdentity = z.object(identityFields).openapi('UserIdentity');

export const EnrolledUserIdentity = z
  .object({
    ...identityFields,
    created: z.boolean().openapi({
      description: 'false: the user was enrolled already (an earlier creation is being retried)',
    }),
  })
  .openapi('EnrolledUserIdentity');

export const RevokedUserIdentity = z
  .object({
    ...identityFields,
    crl: z.string().openapi({
      description:
        "The CA's new CRL (PEM); peers refuse the user once it is in the org's channel MSP",
    }),
  })
  .openapi('RevokedUserIdentity');

const userPath = z.object({
  user: z.string().regex(USER_NAME).openapi({ description: 'User name' }),
});

const ADMIN_ONLY =
  'Only for a caller whose API key (or client certificate) lists `@identity-admin`: others get 403 `IDENTITY_ADMIN_FORBIDDEN`.';
const CA_FAILURES = {
  403: 'The caller may not administer identities (`IDENTITY_ADMIN_FORBIDDEN`)',
  502: 'The CA refused (`CA_REFUSED`)',
  503: 'The CA cannot be reached (`CA_UNAVAILABLE`, nothing was changed; retry after `Retry-After`), no CA is configured (`CA_NOT_CONFIGURED`), or per-user identities are off (`USER_IDENTITIES_DISABLED`: no FABRIC_IDENTITY_KEKS)',
} as const;

export function identityOperations(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/v1/user-identities',
    operationId: 'enrollUserIdentity',
    summary: "Register and enroll a user's Fabric identity at the org's CA",
    description: `${ADMIN_ONLY} Registering again a user enrolled already answers 200 with the identity as it is, so an interrupted creation can be retried.`,
    request: { body: body(NewUserIdentity) },
    responses: {
      '200': answer('Enrolled already', EnrolledUserIdentity),
      '201': answer('Enrolled', EnrolledUserIdentity),
      ...failures({
        ...CA_FAILURES,
        409: 'The user was revoked (`IDENTITY_REVOKED`), or the CA has an identity of that name that is not this user’s (`IDENTITY_EXISTS`)',
      }),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/user-identities/{user}',
    operationId: 'getUserIdentity',
    summary: "A user's Fabric identity: its certificate, when it expires, whether it is revoked",
    description: ADMIN_ONLY,
    request: { params: userPath },
    responses: {
      '200': answer('The identity', UserIdentity),
      ...failures({ ...CA_FAILURES, 404: 'No such identity (`IDENTITY_NOT_FOUND`)' }),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/user-identities/{user}/reenroll',
    operationId: 'reenrollUserIdentity',
    summary: 'A new certificate and key for a user, before the current certificate expires',
    description: ADMIN_ONLY,
    request: { params: userPath },
    responses: {
      '200': answer('Re-enrolled', UserIdentity),
      ...failures({ ...CA_FAILURES, 404: 'No usable identity (`IDENTITY_NOT_FOUND`)' }),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/user-identities/{user}/revoke',
    operationId: 'revokeUserIdentity',
    summary: "Revoke a user's certificates at the CA and stop signing as them",
    description: `${ADMIN_ONLY} The answer holds the CA's new CRL, for the org's channel MSP.`,
    request: { params: userPath, body: body(RevokeUserIdentity) },
    responses: {
      '200': answer('Revoked', RevokedUserIdentity),
      ...failures({ ...CA_FAILURES, 404: 'No such identity (`IDENTITY_NOT_FOUND`)' }),
    },
  });
}
