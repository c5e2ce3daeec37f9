// SPDX-License-Identifier: Apache-2.0
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** A service's own registry with Node's process metrics under its prefix, e.g. `dapp_`. */
export function serviceRegistry(prefix: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix });
  return registry;
}

/** What every HTTP service counts and times per request, labelled by route pattern. */
export interface HttpMetrics {
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route'>;
}

/**
 * `<prefix>http_requests_total` and `<prefix>http_request_duration_seconds`, so that dashboards
 * read every service's HTTP figures by the same names and labels.
 */
export function httpMetrics(
  registry: Registry,
  prefix: string,
  buckets: readonly number[],
): HttpMetrics {
  return {
    requests: new Counter({
      name: `${prefix}http_requests_total`,
      help: 'HTTP requests answered, by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: `${prefix}http_request_duration_seconds`,
      help: 'HTTP request latency',
      labelNames: ['method', 'route'],
      buckets: [...buckets],
      registers: [registry],
    }),
  };
}
