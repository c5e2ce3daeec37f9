// SPDX-License-Identifier: Apache-2.0
import http from 'node:http';

import type { Logger, ShutdownStep } from '@consortia/common';
import { closeServer, listen, stopOnce } from '@consortia/common';
import { closePool } from '@consortia/common/pg';
import pg from 'pg';

import type { ExplorerConfig } from './config';
import { createApp } from './http/app';
import { Auth } from './http/auth';
import { LiveStream } from './http/live';
import { ExplorerMetrics } from './metrics';
import { LiveFeed } from './mirror/live';
import { Mirror } from './mirror/mirror';
import { OperationsProxy } from './peers/operations';

export interface RunningService {
  /** The port actually bound (PORT 0 picks a free one). */
  port: number;
  /** Where a browser on this machine reaches it. */
  url: string;
  metrics: ExplorerMetrics;
  /** In order: close the live streams and stop accepting, stop polling, close the pool. */
  shutdownSteps: ShutdownStep[];
  stop(): Promise<void>;
}

/** A pool for reading the mirror: small, with timeouts, and surviving a Postgres restart. */
export function createMirrorPool(connectionString: string, logger?: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: 8,
    connectionTimeoutMillis: 5_000,
    // a page that takes longer than this is a missing index, not something to wait for
    statement_timeout: 15_000,
    application_name: 'consortia-explorer',
  });
  pool.on('error', (error) => logger?.warn({ err: error }, 'idle Postgres connection lost'));
  return pool;
}

/** The address a person types: loopback when listening on every interface. */
export function browserUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

/**
 * Starts the explorer: the mirror pool, the live feed, the operations proxy and the HTTP
 * server. It does not wait for the mirror: pages say so until datasync has created it.
 */
export async function startService(
  config: ExplorerConfig,
  logger: Logger,
): Promise<RunningService> {
  const pool = createMirrorPool(config.databaseUrl, logger);
  const mirror = new Mirror(pool);
  const feed = new LiveFeed(mirror.db, config.livePollMs, logger);
  const metrics = new ExplorerMetrics();
  const live = new LiveStream(feed, metrics, config.liveLimits);
  const operations = new OperationsProxy(
    { peers: config.peerOperationsUrls, orderers: config.ordererOperationsUrls },
    config.operationsTimeoutMs,
    logger,
  );
  const auth = new Auth({
    ...(config.operator ? { operator: config.operator } : {}),
    sessionHours: config.sessionHours,
    mspId: config.mspId,
    defaultChannel: config.defaultChannel,
    ...(config.grafanaUrl ? { grafanaUrl: config.grafanaUrl } : {}),
    metrics,
    logger,
  });
  if (config.demoMode) {
    logger.warn(
      'EXPLORER_DEMO_MODE=true: NO LOGIN. Anyone who reaches this port reads the whole ledger mirror. Use only for demonstrations.',
    );
  }
  const app = createApp({
    mirror,
    operations,
    mspId: config.mspId,
    defaultChannel: config.defaultChannel,
    auth,
    live,
    metrics,
    logger,
    webDir: config.webDir,
    trustedProxies: config.trustedProxies,
    checks: {
      mirror: async () => {
        await mirror.ping();
        return true;
      },
    },
  });
  const server = http.createServer(app);
  let port: number;
  try {
    port = await listen(server, config.port, config.host);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const url = browserUrl(config.host, port);
  logger.info(
    {
      url,
      demo: config.demoMode,
      peers: config.peerOperationsUrls.length,
      orderers: config.ordererOperationsUrls.length,
    },
    'explorer listening',
  );
  const shutdownSteps: ShutdownStep[] = [
    {
      name: 'stop accepting requests',
      run: () => {
        // Live streams never finish on their own, so close() would wait for them forever.
        live.closeAll();
        return closeServer(server);
      },
    },
    { name: 'stop the live feed', run: () => feed.stop() },
    { name: 'close the mirror pool', run: () => closePool(pool) },
  ];
  return {
    port,
    url,
    metrics,
    shutdownSteps,
    stop: stopOnce(logger, shutdownSteps),
  };
}
