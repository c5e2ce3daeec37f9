// SPDX-License-Identifier: Apache-2.0
import type { Request, RequestHandler, Response } from 'express';

import { currentCorrelationId } from '../logging/logger';
import type { HttpMetrics } from '../metrics/registry';

/** One answered request, as `onAnswered` sees it. */
export interface AnsweredRequest {
  request: Request;
  response: Response;
  route: string;
  seconds: number;
  correlationId: string | undefined;
}

export interface RequestMetricsOptions {
  /** The route label of a request no route matched (default `unmatched`). */
  unmatched?: string;
  /** A route label preferred to Express's matched route, e.g. an OpenAPI path template. */
  routeOf?: (request: Request) => string | undefined;
  /** Runs once per answered request, after it is counted (e.g. an access log line). */
  onAnswered?: (answer: AnsweredRequest) => void;
}

/** Counts and times every request by method, route pattern and status. */
export function requestMetrics(
  metrics: HttpMetrics,
  options: RequestMetricsOptions = {},
): RequestHandler {
  return (request, response, next) => {
    const started = process.hrtime.bigint();
    // 'finish' may fire outside the request's async context, so the id is taken now.
    const correlationId = currentCorrelationId();
    response.on('finish', () => {
      // The matched route pattern, not the URL, keeps label cardinality bounded.
      const route =
        options.routeOf?.(request) ??
        (request.route
          ? `${request.baseUrl}${String((request.route as { path: unknown }).path)}`
          : (options.unmatched ?? 'unmatched'));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.requests.inc({ method: request.method, route, status: String(response.statusCode) });
      metrics.duration.observe({ method: request.method, route }, seconds);
      options.onAnswered?.({ request, response, route, seconds, correlationId });
    });
    next();
  };
}
