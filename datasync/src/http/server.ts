import type { Server } from 'node:http';

import type { ReadinessChecks } from '@consortia/common';
import { operationsRouter } from '@consortia/common';
import express from 'express';

import type { SyncMetrics } from './metrics';

/** Health, readiness and metrics; datasync serves nothing else over HTTP. */
export async function startOperationsServer(
  port: number,
  metrics: SyncMetrics,
  checks: ReadinessChecks,
  host = '0.0.0.0',
): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.use(operationsRouter({ registry: metrics.registry, checks }));
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) =>
      error ? reject(error) : resolve(server),
    );
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
