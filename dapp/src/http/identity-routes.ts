// SPDX-License-Identifier: Apache-2.0
import type { Response } from 'express';
import { Router } from 'express';

import type { UserIdentityAdministration } from '../fabric/user-identities';
import { ApiError } from './errors';
import { callerOf } from './ownership';
import type { SendAnswer } from './responses';
import type { RouteDependencies } from './route-support';
import { checkedBody, param } from './route-support';

/** The administration, for a caller allowed it; refused naming nothing else. */
function administration(deps: RouteDependencies, response: Response): UserIdentityAdministration {
  if (!deps.policy.mayAdministerIdentities(callerOf(response).id)) {
    throw new ApiError(
      403,
      'IDENTITY_ADMIN_FORBIDDEN',
      'this caller may not administer Fabric identities',
    );
  }
  if (!deps.userIdentities) {
    throw new ApiError(
      503,
      'USER_IDENTITIES_DISABLED',
      'per-user Fabric identities need FABRIC_IDENTITY_KEKS to be set',
    );
  }
  return deps.userIdentities;
}

/** /v1/user-identities: enroll, re-enroll and revoke users' Fabric identities (./api/identities). */
export function identityRoutes(deps: RouteDependencies, send: SendAnswer): Router {
  const router = Router();

  router.post('/user-identities', async (request, response) => {
    const admin = administration(deps, response);
    const body = checkedBody(deps.bodies, 'NewUserIdentity', request.body);
    const enrolled = await admin.enroll(body.user, body.role);
    deps.logger.info(
      { identity: enrolled.identity, created: enrolled.created },
      'user identity enrolled',
    );
    send(response, enrolled.created ? 201 : 200, 'EnrolledUserIdentity', enrolled);
  });

  router.get('/user-identities/:user', async (request, response) => {
    const admin = administration(deps, response);
    send(response, 200, 'UserIdentity', await admin.describe(param(request, 'user')));
  });

  router.post('/user-identities/:user/reenroll', async (request, response) => {
    const admin = administration(deps, response);
    const reenrolled = await admin.reenroll(param(request, 'user'));
    deps.logger.info({ identity: reenrolled.identity }, 'user identity re-enrolled');
    send(response, 200, 'UserIdentity', reenrolled);
  });

  router.post('/user-identities/:user/revoke', async (request, response) => {
    const admin = administration(deps, response);
    const body = checkedBody(deps.bodies, 'RevokeUserIdentity', request.body ?? {});
    const revoked = await admin.revoke(param(request, 'user'), body.reason ?? 'unspecified');
    deps.logger.warn({ identity: revoked.identity }, 'user identity revoked');
    send(response, 200, 'RevokedUserIdentity', revoked);
  });

  return router;
}
