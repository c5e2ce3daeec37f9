// SPDX-License-Identifier: Apache-2.0
import { Router } from 'express';

import { AuthFailure } from '../../auth/auth-service';
import { passwordProblem } from '../../auth/passwords';
import type { AppMetrics } from '../../metrics';
import { visible } from '../../store/users';
import { LoginRequest, PasswordChange, RefreshRequest } from '../api/auth';
import { bodyOf } from '../api/typed';
import { callerOf, note } from '../context';
import { ApiError } from '../errors';
import type { RouteDependencies } from './support';

export function authRoutes(deps: RouteDependencies, metrics: AppMetrics): Router {
  const router = Router();

  router.post('/v1/auth/login', async (request, response) => {
    const { username, password } = bodyOf(request, LoginRequest);
    note(response, {
      username: username.toLowerCase().slice(0, 64),
      target: username.slice(0, 64),
    });
    try {
      const pair = await deps.auth.login(username, password, {
        ip: request.ip,
        userAgent: request.get('user-agent'),
      });
      note(response, { userId: pair.user.id, username: pair.user.username });
      metrics.logins.inc({ outcome: 'success' });
      response.setHeader('Cache-Control', 'no-store');
      response.json(pair);
    } catch (error) {
      if (error instanceof AuthFailure) {
        metrics.logins.inc({ outcome: error.code.toLowerCase() });
        if (error.userId) note(response, { userId: error.userId });
      }
      throw error;
    }
  });

  router.post('/v1/auth/refresh', async (request, response) => {
    const { refreshToken } = bodyOf(request, RefreshRequest);
    try {
      const pair = await deps.auth.refresh(refreshToken);
      note(response, { userId: pair.user.id, username: pair.user.username });
      response.setHeader('Cache-Control', 'no-store');
      response.json(pair);
    } catch (error) {
      if (error instanceof AuthFailure && error.userId) note(response, { userId: error.userId });
      throw error;
    }
  });

  router.post('/v1/auth/logout', async (request, response) => {
    const { refreshToken } = bodyOf(request, RefreshRequest);
    const userId = await deps.auth.logout(refreshToken);
    const user = await deps.store.users.findById(userId);
    note(response, { userId, username: user?.username });
    response.status(204).end();
  });

  router.get('/v1/me', async (_request, response) => {
    const caller = callerOf(response);
    const user = await deps.store.users.findById(caller.userId);
    if (!user) throw new ApiError(401, 'SESSION_REVOKED', 'the account no longer exists');
    response.json({ ...visible(user), permissions: [...caller.permissions].sort() });
  });

  router.post('/v1/me/password', async (request, response) => {
    const caller = callerOf(response);
    const { currentPassword, newPassword } = bodyOf(request, PasswordChange);
    const problem = passwordProblem(newPassword, caller.username);
    if (problem) {
      throw new ApiError(400, 'WEAK_PASSWORD', `the new password ${problem}`, {
        problems: [{ field: 'body.newPassword', message: problem }],
      });
    }
    await deps.auth.changePassword(caller.userId, caller.sessionId, currentPassword, newPassword);
    response.status(204).end();
  });

  return router;
}
