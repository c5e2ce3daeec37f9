// SPDX-License-Identifier: Apache-2.0
import { Router } from 'express';

import { hashPassword, passwordProblem } from '../../auth/passwords';
import { enrollUserIdentity } from '../../identity/user-identities';
import type { UserChanges } from '../../store/users';
import { NewUser, UserChanges as UserChangesSchema, UserParams } from '../api/users';
import { bodyOf, paramsOf } from '../api/typed';
import { DuplicateUserError, UnknownRoleError, visible } from '../../store/users';
import { callerOf, note } from '../context';
import { ApiError } from '../errors';
import type { RouteDependencies } from './support';
import { pageSize, queryFlag, queryText } from './support';

function checkPassword(password: string, username: string, field: string): void {
  const problem = passwordProblem(password, username);
  if (problem) {
    throw new ApiError(400, 'WEAK_PASSWORD', `the password ${problem}`, {
      problems: [{ field, message: problem }],
    });
  }
}

export function userRoutes(deps: RouteDependencies): Router {
  const router = Router();
  const { users, sessions } = deps.store;

  router.get('/v1/roles', async (_request, response) => {
    response.json({ items: await users.roles() });
  });

  router.get('/v1/users', async (request, response) => {
    const limit = pageSize(request);
    const items = await users.list({
      limit,
      after: queryText(request, 'after'),
      role: queryText(request, 'role'),
      disabled: queryFlag(request, 'disabled'),
    });
    response.json({
      items,
      page: { limit, nextCursor: items.length === limit ? (items.at(-1)?.username ?? null) : null },
    });
  });

  router.post('/v1/users', async (request, response) => {
    const caller = callerOf(response);
    const body = bodyOf(request, NewUser);
    note(response, { target: body.username });
    checkPassword(body.password, body.username, 'body.password');
    let fabricIdentity = body.fabricIdentity ?? null;
    if (deps.userIdentities && fabricIdentity === null) {
      // Refused before the CA is asked, so a refusal leaves no identity behind.
      if (await users.findByUsername(body.username)) throw new DuplicateUserError(body.username);
      const known = new Set((await users.roles()).map((role) => role.name));
      const unknown = body.roles.filter((role) => !known.has(role));
      if (unknown.length > 0) throw new UnknownRoleError(unknown);
      // The identity first: a CA that is down leaves no user without one (503, nothing made).
      fabricIdentity = await enrollUserIdentity(deps.dapp, body.username, body.roles);
    }
    const user = await users.create({
      username: body.username,
      passwordHash: await hashPassword(body.password, deps.passwordCost),
      displayName: body.displayName ?? null,
      fabricIdentity,
      roles: body.roles,
      createdBy: caller.username,
    });
    note(response, { detail: { roles: user.roles, fabricIdentity: user.fabricIdentity } });
    response.status(201).location(`/v1/users/${user.username}`).json(visible(user));
  });

  router.get('/v1/users/:username', async (request, response) => {
    const user = await users.findByUsername(paramsOf(request, UserParams).username);
    if (!user) throw new ApiError(404, 'USER_NOT_FOUND', 'no such user');
    response.json(visible(user));
  });

  router.patch('/v1/users/:username', async (request, response) => {
    const { username } = paramsOf(request, UserParams);
    const body = bodyOf(request, UserChangesSchema);
    note(response, { target: username });
    const changes: UserChanges = {
      displayName: body.displayName,
      fabricIdentity: body.fabricIdentity,
      disabled: body.disabled,
      roles: body.roles,
    };
    if (body.password !== undefined) {
      checkPassword(body.password, username, 'body.password');
      changes.passwordHash = await hashPassword(body.password, deps.passwordCost);
    }
    const user = await users.update(username, changes);
    if (!user) throw new ApiError(404, 'USER_NOT_FOUND', 'no such user');
    if (body.disabled === true) await sessions.revokeAll(user.id, 'user disabled');
    if (body.password !== undefined) await sessions.revokeAll(user.id, 'password set by an admin');
    note(response, {
      detail: {
        changed: Object.keys(body).filter((key) => key !== 'password'),
        passwordSet: body.password !== undefined,
      },
    });
    response.json(visible(user));
  });

  return router;
}
