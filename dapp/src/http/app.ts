import type { Logger, ReadinessChecks } from '@consortia/common';
import { correlationMiddleware, operationsRouter } from '@consortia/common';
import express from 'express';
import type { Express, RequestHandler } from 'express';

import type { DappMetrics } from '../metrics';
import type { ApiKeyVerifier } from './auth';
import { authenticate } from './auth';
import { ApiError, errorHandler } from './errors';
import { openApiDocument } from './openapi';
import type { RouteDependencies } from './routes';
import { apiRoutes } from './routes';

export interface AppDependencies extends RouteDependencies {
  verifier: ApiKeyVerifier;
  checks: ReadinessChecks;
  metrics: DappMetrics;
  logger: Logger;
}

function measure(metrics: DappMetrics): RequestHandler {
  return (request, response, next) => {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      // The matched route pattern, not the URL, keeps label cardinality bounded.
      const route = request.route ? `${request.baseUrl}${String(request.route.path)}` : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequests.inc({
        method: request.method,
        route,
        status: String(response.statusCode),
      });
      metrics.httpDuration.observe({ method: request.method, route }, seconds);
    });
    next();
  };
}

/** The DAPP's HTTP API: open operations endpoints and OpenAPI document, authenticated /v1. */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(correlationMiddleware());
  app.use(measure(deps.metrics));
  app.use(operationsRouter({ registry: deps.metrics.registry, checks: deps.checks }));
  app.get('/openapi.json', (_request, response) => {
    response.json(openApiDocument);
  });
  app.use('/v1', authenticate(deps.verifier), express.json({ limit: '1mb' }), apiRoutes(deps));
  app.use((request) => {
    throw new ApiError(404, 'NOT_FOUND', `no route ${request.method} ${request.path}`);
  });
  app.use(errorHandler(deps.logger));
  return app;
}
