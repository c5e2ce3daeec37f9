import type { Logger, ReadinessChecks } from '@consortia/common';
import { correlationMiddleware, operationsRouter } from '@consortia/common';
import express from 'express';
import type { Express, RequestHandler } from 'express';
import helmet from 'helmet';

import type { ExplorerMetrics } from '../metrics';
import type { ApiDependencies } from './api';
import { apiRoutes } from './api';
import type { Auth } from './auth';
import { errorHandler } from './errors';
import type { LiveStream } from './live';
import { webRoutes } from './static';

export interface AppDependencies extends ApiDependencies {
  auth: Auth;
  live: LiveStream;
  checks: ReadinessChecks;
  metrics: ExplorerMetrics;
  logger: Logger;
  webDir: string;
}

function measure(metrics: ExplorerMetrics): RequestHandler {
  return (request, response, next) => {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      // the matched route pattern, not the URL, keeps label cardinality bounded
      const route = request.route ? `${request.baseUrl}${String(request.route.path)}` : 'other';
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

/**
 * The explorer over HTTP: operations endpoints, the session endpoints, the read API and live
 * stream behind the login, and the web front end (static files, open: they hold no data).
 */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  // behind an ingress or load balancer in the cluster, the client address is the forwarded one
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'frame-ancestors': ["'none'"],
          'form-action': ["'self'"],
          // served over plain http on a laptop: upgrading would break every request
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );
  app.use(correlationMiddleware());
  app.use(measure(deps.metrics));
  app.use(operationsRouter({ registry: deps.metrics.registry, checks: deps.checks }));
  const api = express.Router();
  api.use(deps.auth.routes());
  api.use(deps.auth.gate());
  api.get('/live', deps.live.handler());
  api.use(apiRoutes(deps));
  app.use('/api', api);
  app.use(webRoutes(deps.webDir));
  app.use(errorHandler(deps.logger));
  return app;
}
