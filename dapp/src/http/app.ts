// SPDX-License-Identifier: Apache-2.0
import type { Logger, ReadinessChecks } from '@consortia/common';
import { serviceApp } from '@consortia/common';
import express from 'express';
import type { Express } from 'express';

import type { DappMetrics } from '../metrics';
import type { ApiKeyVerifier } from './auth';
import { authenticate } from './auth';
import { ApiError, errorHandler } from './errors';
import { servedDocument } from './api/contracts';
import { openApiDocument } from './openapi';
import type { RouteDependencies } from './routes';
import { apiRoutes } from './routes';

export interface AppDependencies extends RouteDependencies {
  verifier: ApiKeyVerifier;
  checks: ReadinessChecks;
  metrics: DappMetrics;
  logger: Logger;
}

/** The DAPP's HTTP API: open operations endpoints and OpenAPI document, authenticated /v1. */
export function createApp(deps: AppDependencies): Express {
  const app = serviceApp({
    metrics: deps.metrics,
    checks: deps.checks,
  });
  // With each served chaincode's functions and parameters, read from its metadata.
  app.get('/openapi.json', async (_request, response) => {
    response.json(
      await servedDocument(openApiDocument, deps, (channel, chaincode, error) =>
        deps.logger.warn(
          { err: error, channel, chaincode },
          'the document leaves out a chaincode whose metadata cannot be read',
        ),
      ),
    );
  });
  app.use('/v1', authenticate(deps.verifier), express.json({ limit: '1mb' }), apiRoutes(deps));
  app.use((request) => {
    throw new ApiError(404, 'NOT_FOUND', `no route ${request.method} ${request.path}`);
  });
  app.use(errorHandler(deps.logger));
  return app;
}
