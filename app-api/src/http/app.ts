// SPDX-License-Identifier: Apache-2.0
import type { Logger, ReadinessChecks } from '@consortia/common';
import type { AnsweredRequest } from '@consortia/common';
import { CORRELATION_HEADER, serviceApp } from '@consortia/common';
import cors from 'cors';
import express from 'express';
import type { Express, RequestHandler } from 'express';
import helmet from 'helmet';
import swaggerUi from 'swagger-ui-express';

import type { AccessTokens } from '../auth/tokens';
import type { EventRouteDependencies } from '../events/routes';
import { eventRoutes } from '../events/routes';
import type { AppMetrics } from '../metrics';
import type { AuditRecorder } from './audit';
import { principalOf } from './context';
import { ApiError, errorHandler } from './errors';
import { openApiDocument } from './openapi';
import type { RateLimitSettings } from './rate-limits';
import { rateLimiters } from './rate-limits';
import { responseValidation } from './responses';
import { assetRoutes } from './routes/assets';
import { authRoutes } from './routes/auth';
import { ledgerRoutes } from './routes/ledger';
import { memberRoutes } from './routes/members';
import type { RouteDependencies } from './routes/support';
import { tokenRoutes } from './routes/tokens';
import { identityRoutes } from './routes/identities';
import { userRoutes } from './routes/users';
import { authenticate, authorize } from './security';
import { operationOf, validationSteps } from './validation';

export interface AppDependencies extends RouteDependencies {
  tokens: AccessTokens;
  metrics: AppMetrics;
  recorder: AuditRecorder;
  checks: ReadinessChecks;
  logger: Logger;
  rateLimits: RateLimitSettings;
  corsOrigins: readonly string[];
  bodyLimit: string;
  /**
   * Whose X-Forwarded-For is believed: the listed proxy addresses, or a number of hops (0: none,
   * the connecting address is the client's).
   */
  trustProxy: number | readonly string[];
  /** Event subscription routes; without them those operations answer 404. */
  events?: EventRouteDependencies;
}

const OPERATIONS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** One log line per answered request, with its correlation id. */
function logAnswer(logger: Logger): (answer: AnsweredRequest) => void {
  return ({ request, response, route, seconds, correlationId }) => {
    // Probes and scrapes would drown the log at info.
    const level = OPERATIONS_PATHS.has(request.path) ? 'debug' : 'info';
    logger[level](
      {
        correlationId,
        method: request.method,
        route,
        status: response.statusCode,
        durationMs: Math.round(seconds * 1000),
        user: principalOf(response)?.username,
      },
      'request answered',
    );
  };
}

/** Browsers may call from the configured origins only; `*` admits any origin. */
function corsPolicy(origins: readonly string[]): RequestHandler {
  const any = origins.includes('*');
  return cors({
    origin: (origin, callback) =>
      callback(null, origin !== undefined && (any || origins.includes(origin))),
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', CORRELATION_HEADER],
    exposedHeaders: [
      CORRELATION_HEADER,
      'Retry-After',
      'X-Mirror-Block',
      'Location',
      'RateLimit',
      'RateLimit-Policy',
    ],
    maxAge: 600,
  });
}

/**
 * The app-api's HTTP API. Order matters: correlation id, metrics, security headers and CORS for
 * everything; open operations endpoints and documents; then, for the API, audit, per-address
 * limits, body parsing, route matching (404/405), authentication (401), per-user limits,
 * permission (403), input validation (400), and finally the routes.
 */
export function createApp(deps: AppDependencies): Express {
  const app = serviceApp({
    metrics: deps.metrics,
    checks: deps.checks,
    requestMetrics: {
      // The operation's path template, where one matched, is the route label.
      routeOf: (request) => operationOf(request)?.openApiRoute,
      onAnswered: logAnswer(deps.logger),
    },
    middleware: [
      helmet({
        // The browsable documentation loads its own scripts and styles from this origin.
        contentSecurityPolicy: {
          directives: { 'img-src': ["'self'", 'data:'], 'script-src': ["'self'"] },
        },
      }),
      corsPolicy(deps.corsOrigins),
    ],
  });
  app.set(
    'trust proxy',
    typeof deps.trustProxy === 'number' ? deps.trustProxy : [...deps.trustProxy],
  );
  // Bracketed query parameters (attr[color]=red) need qs parsing.
  app.set('query parser', 'extended');
  app.get('/openapi.json', (_request, response) => {
    response.json(openApiDocument);
  });
  app.use(
    '/docs',
    swaggerUi.serve,
    swaggerUi.setup(openApiDocument, {
      customSiteTitle: 'Consortia app-api',
      swaggerOptions: { persistAuthorization: false },
    }),
  );

  const limits = rateLimiters(deps.rateLimits, deps.metrics);
  const steps = validationSteps(openApiDocument);
  app.use(deps.recorder.middleware());
  app.use('/v1', limits.perIp);
  app.use('/v1/auth/login', limits.login);
  app.use(express.json({ limit: deps.bodyLimit }));
  app.use(steps.match);
  app.use(authenticate(deps.tokens, deps.store.users, deps.metrics));
  app.use(limits.perUser);
  app.use(authorize(deps.metrics));
  app.use(steps.validate);
  // An answer that is not what the document declares is withheld, so nothing undeclared leaks.
  app.use(
    responseValidation(openApiDocument, (problem) =>
      deps.logger.error(problem, 'answer withheld: it does not match the API document'),
    ),
  );
  app.use(authRoutes(deps, deps.metrics));
  app.use(userRoutes(deps));
  app.use(identityRoutes(deps));
  app.use(assetRoutes(deps));
  app.use(tokenRoutes(deps));
  app.use(ledgerRoutes(deps));
  app.use(memberRoutes(deps));
  if (deps.events) app.use(eventRoutes(deps.events));
  app.use((request) => {
    throw new ApiError(404, 'NOT_FOUND', `no route ${request.method} ${request.path}`);
  });
  app.use(errorHandler(deps.logger));
  return app;
}
