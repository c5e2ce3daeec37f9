// SPDX-License-Identifier: Apache-2.0
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';

import type { AppMetrics } from '../metrics';
import { principalOf } from './context';
import { ApiError } from './errors';

export interface RateLimitSettings {
  windowMs: number;
  perIp: number;
  perUser: number;
  loginPerIp: number;
}

export interface RateLimiters {
  /** Every /v1 request, by client address, before anything else is done for it. */
  perIp: RequestHandler;
  /** Login attempts, by client address: slows password guessing across accounts. */
  login: RequestHandler;
  /** Authenticated requests, by user, wherever they come from. */
  perUser: RequestHandler;
}

/** Counts are kept in memory, per replica. */
export function rateLimiters(settings: RateLimitSettings, metrics: AppMetrics): RateLimiters {
  const refuse =
    (limiter: string, who: string) =>
    (request: Request, _response: Response, next: (error: unknown) => void) => {
      metrics.rateLimited.inc({ limiter });
      const reset = (request as Request & { rateLimit?: { resetTime?: Date } }).rateLimit
        ?.resetTime;
      const seconds = reset
        ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000))
        : Math.ceil(settings.windowMs / 1000);
      next(
        new ApiError(
          429,
          'RATE_LIMITED',
          `too many requests ${who}; retry in ${seconds} s`,
          { limiter, retryAfterSeconds: seconds },
          { 'Retry-After': String(seconds) },
        ),
      );
    };
  const common = {
    windowMs: settings.windowMs,
    standardHeaders: 'draft-7' as const,
    legacyHeaders: false,
  };
  return {
    perIp: rateLimit({
      ...common,
      limit: settings.perIp,
      keyGenerator: (request) => ipKeyGenerator(request.ip ?? 'unknown'),
      handler: refuse('ip', 'from this address'),
    }),
    login: rateLimit({
      ...common,
      limit: settings.loginPerIp,
      keyGenerator: (request) => ipKeyGenerator(request.ip ?? 'unknown'),
      handler: refuse('login', 'logging in from this address'),
    }),
    perUser: rateLimit({
      ...common,
      limit: settings.perUser,
      // Only authenticated requests reach this limiter with a principal; others are skipped.
      skip: (_request, response) => principalOf(response) === undefined,
      keyGenerator: (_request, response) => `user:${principalOf(response)?.userId ?? ''}`,
      handler: refuse('user', 'for this user'),
    }),
  };
}
