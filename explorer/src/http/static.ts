// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import express, { Router } from 'express';

/**
 * Serves the Vite build: hashed assets cached for a year, everything else revalidated, and
 * index.html for every other GET that a browser navigates to, so deep links to any page work.
 */
export function webRoutes(webDir: string): Router {
  const router = Router();
  const index = path.join(webDir, 'index.html');
  router.use(
    '/assets',
    express.static(path.join(webDir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: false,
    }),
  );
  router.use(express.static(webDir, { index: false, maxAge: 0 }));
  router.get(/^(?!\/api\/).*/, (request, response, next) => {
    if (!request.accepts('html')) {
      next();
      return;
    }
    if (!fs.existsSync(index)) {
      response
        .status(503)
        .type('text/plain')
        .send(
          `The explorer's web front end is not built (no ${index}).\nRun: npm run build:web -w explorer\n`,
        );
      return;
    }
    response.setHeader('cache-control', 'no-cache');
    response.sendFile(index);
  });
  return router;
}
