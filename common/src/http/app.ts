// SPDX-License-Identifier: Apache-2.0
import express from 'express';
import type { Express, RequestHandler } from 'express';
import type { Registry } from 'prom-client';

import type { HttpMetrics } from '../metrics/registry';
import { correlationMiddleware } from './correlation';
import type { ReadinessChecks } from './operations';
import { operationsRouter } from './operations';
import type { RequestMetricsOptions } from './request-metrics';
import { requestMetrics } from './request-metrics';

export interface ServiceAppOptions {
  /** The service's registry, served on /metrics, and its HTTP figures. */
  metrics: { registry: Registry; http: HttpMetrics };
  checks: ReadinessChecks;
  requestMetrics?: RequestMetricsOptions;
  /** Run for every request after the correlation id and metrics, operations endpoints included. */
  middleware?: RequestHandler[];
}

/**
 * The Express app every HTTP service starts from, so that all of them answer alike: no
 * X-Powered-By, a correlation id and metrics for each request, then /healthz, /readyz and
 * /metrics; the service adds its own routes after these.
 */
export function serviceApp(options: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(correlationMiddleware());
  app.use(requestMetrics(options.metrics.http, options.requestMetrics));
  for (const middleware of options.middleware ?? []) app.use(middleware);
  app.use(operationsRouter({ registry: options.metrics.registry, checks: options.checks }));
  return app;
}
