// SPDX-License-Identifier: Apache-2.0
import type { Logger, ReadinessChecks } from '@consortia/common';
import { serviceApp } from '@consortia/common';
import express from 'express';
import type { Express } from 'express';
import helmet from 'helmet';

import type { ExplorerMetrics } from '../metrics';
import type { ApiDependencies } from './api';
import { apiRoutes } from './api';
import type { Auth } from './auth';
import { errorHandler } from './errors';
import type { LiveStream } from './live';
import { memberRoutes } from './members';
import { webRoutes } from './static';

export interface AppDependencies extends ApiDependencies {
  auth: Auth;
  live: LiveStream;
  checks: ReadinessChecks;
  metrics: ExplorerMetrics;
  logger: Logger;
  webDir: string;
  /** Proxies whose X-Forwarded-For is believed; empty: the connecting address is the client. */
  trustedProxies: readonly string[];
}

/**
 * The explorer over HTTP: operations endpoints, the session endpoints, the read API and live
 * stream behind the login, and the web front end (static files, open: they hold no data).
 */
export function createApp(deps: AppDependencies): Express {
  const app = serviceApp({
    metrics: deps.metrics,
    checks: deps.checks,
    requestMetrics: { unmatched: 'other' },
    middleware: [
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
    ],
  });
  // The login throttle and the stream limits count by client address: only a configured proxy
  // may name it, or a client could pick a new address for every guess.
  app.set('trust proxy', deps.trustedProxies.length > 0 ? [...deps.trustedProxies] : false);
  const api = express.Router();
  api.use(deps.auth.routes());
  api.use(deps.auth.gate());
  api.get('/live', deps.live.handler());
  // before the read API, which answers 404 for any path it does not know
  api.use(memberRoutes(deps.mirror));
  api.use(apiRoutes(deps));
  app.use('/api', api);
  app.use(webRoutes(deps.webDir));
  app.use(errorHandler(deps.logger));
  return app;
}
