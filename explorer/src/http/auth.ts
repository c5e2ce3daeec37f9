// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';
import express, { Router } from 'express';
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';

import type { OperatorCredential } from '../config';
import type { ExplorerMetrics } from '../metrics';
import type { SessionInfo } from './api-types';
import { ApiError } from './errors';
import { sameText, verifyPassword } from './password';
import {
  clearedSessionCookie,
  LoginThrottle,
  readCookie,
  SESSION_COOKIE,
  sessionCookie,
  SessionSigner,
} from './session';

export interface AuthOptions {
  /** Absent in demo mode: nobody logs in and everything is readable. */
  operator?: OperatorCredential;
  sessionHours: number;
  mspId: string;
  defaultChannel: string;
  grafanaUrl?: string;
  metrics: ExplorerMetrics;
  logger: Logger;
}

const loginBody = z.object({
  user: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
});

/** Cookies get `Secure` whenever the browser reached us over https, also through a proxy. */
const overHttps = (request: Request) =>
  request.secure || request.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';

/**
 * The operator login: `POST /api/session` checks the credential from the configuration and
 * sets a signed, HttpOnly session cookie; `gate` then guards every other API route. In demo
 * mode every request is let through and the session endpoints say so.
 */
export class Auth {
  readonly #signer?: SessionSigner;
  readonly #throttle = new LoginThrottle();

  constructor(private readonly options: AuthOptions) {
    if (options.operator) {
      this.#signer = new SessionSigner(
        options.operator.sessionSecret,
        Math.round(options.sessionHours * 3600),
      );
    }
  }

  get demo(): boolean {
    return !this.options.operator;
  }

  async #sessionUser(request: Request): Promise<string | undefined> {
    const token = readCookie(request.headers.cookie, SESSION_COOKIE);
    return token && this.#signer ? this.#signer.verify(token) : undefined;
  }

  #info(user: string | undefined): SessionInfo {
    const authenticated = this.demo || user !== undefined;
    return {
      authenticated,
      ...(user ? { user } : {}),
      demo: this.demo,
      mspId: this.options.mspId,
      defaultChannel: this.options.defaultChannel,
      // only for those who may read the pages that link to it
      ...(authenticated && this.options.grafanaUrl ? { grafanaUrl: this.options.grafanaUrl } : {}),
    };
  }

  routes(): Router {
    const router = Router();
    router.get('/session', async (request, response) => {
      response.setHeader('cache-control', 'no-store');
      response.json(this.#info(await this.#sessionUser(request)));
    });
    router.post('/session', express.json({ limit: '4kb' }), async (request, response) => {
      const operator = this.options.operator;
      if (!operator || !this.#signer) {
        response.json(this.#info(undefined));
        return;
      }
      const client = request.ip ?? 'unknown';
      if (this.#throttle.blocked(client)) {
        this.options.metrics.logins.inc({ outcome: 'throttled' });
        throw new ApiError(429, 'TOO_MANY_ATTEMPTS', 'too many failed logins; try again later');
      }
      const body = loginBody.safeParse(request.body);
      if (!body.success) {
        throw new ApiError(400, 'INVALID_REQUEST', 'send {"user": …, "password": …} as JSON');
      }
      // the password is checked even for a wrong user, so timing does not reveal the user
      const passwordOk = await verifyPassword(body.data.password, operator.passwordHash);
      if (!(sameText(body.data.user, operator.user) && passwordOk)) {
        this.#throttle.fail(client);
        this.options.metrics.logins.inc({ outcome: 'refused' });
        this.options.logger.warn({ client }, 'login refused');
        throw new ApiError(401, 'INVALID_CREDENTIALS', 'the user or password is not right');
      }
      this.#throttle.succeed(client);
      this.options.metrics.logins.inc({ outcome: 'ok' });
      const token = await this.#signer.issue(operator.user);
      response.setHeader(
        'set-cookie',
        sessionCookie(token, this.#signer.lifetimeSeconds, overHttps(request)),
      );
      response.setHeader('cache-control', 'no-store');
      this.options.logger.info({ user: operator.user, client }, 'operator logged in');
      response.json(this.#info(operator.user));
    });
    router.delete('/session', (request, response) => {
      response.setHeader('set-cookie', clearedSessionCookie(overHttps(request)));
      response.json(this.#info(undefined));
    });
    return router;
  }

  /** Lets a request through only with a valid session (or in demo mode). */
  gate(): RequestHandler {
    return async (request, response, next) => {
      if (this.demo) {
        next();
        return;
      }
      const user = await this.#sessionUser(request);
      if (!user) throw new ApiError(401, 'UNAUTHENTICATED', 'log in to use the explorer');
      response.locals.user = user;
      next();
    };
  }
}
