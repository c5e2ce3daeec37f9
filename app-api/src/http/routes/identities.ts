// SPDX-License-Identifier: Apache-2.0
import { Router } from 'express';

import { manageUserIdentity, ownIdentityName } from '../../identity/user-identities';
import { RevokeFabricIdentity } from '../api/identities';
import { bodyOf, paramsOf } from '../api/typed';
import { UserParams } from '../api/users';
import { note } from '../context';
import { ApiError } from '../errors';
import type { RouteDependencies } from './support';

/** Users' own Fabric identities: read, re-enroll, revoke (through the DAPP, at the org's CA). */
export function identityRoutes(deps: RouteDependencies): Router {
  const router = Router();

  /** The user, when their writes are signed with their own identity. */
  const owner = async (username: string): Promise<void> => {
    const user = await deps.store.users.findByUsername(username);
    if (user?.fabricIdentity !== ownIdentityName(username)) {
      throw new ApiError(
        404,
        'IDENTITY_NOT_FOUND',
        'no such user, or the user has no Fabric identity of their own',
      );
    }
  };

  router.get('/v1/users/:username/fabric-identity', async (request, response) => {
    const { username } = paramsOf(request, UserParams);
    await owner(username);
    response.json(await manageUserIdentity(deps.dapp, username));
  });

  router.post('/v1/users/:username/fabric-identity/reenroll', async (request, response) => {
    const { username } = paramsOf(request, UserParams);
    note(response, { target: username });
    await owner(username);
    const identity = await manageUserIdentity(deps.dapp, username, 'reenroll');
    note(response, {
      detail: { serialNumber: identity.serialNumber, notAfter: identity.notAfter },
    });
    response.json(identity);
  });

  router.post('/v1/users/:username/fabric-identity/revoke', async (request, response) => {
    const { username } = paramsOf(request, UserParams);
    const { reason } = bodyOf(request, RevokeFabricIdentity);
    note(response, { target: username });
    await owner(username);
    const identity = await manageUserIdentity(deps.dapp, username, 'revoke', reason);
    note(response, { detail: { serialNumber: identity.serialNumber, reason: reason ?? null } });
    response.json(identity);
  });

  return router;
}
