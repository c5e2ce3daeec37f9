// SPDX-License-Identifier: Apache-2.0
import type { Server } from 'node:http';

/**
 * How long the DAPP keeps an idle keep-alive connection open: longer than its clients keep theirs
 * (the app-api gives one up 2 s before this advertised timeout, load balancers commonly after
 * 60 s), so a client never sends a request on a connection the DAPP is closing as idle. Node's
 * default of 5 s let the app-api reuse connections at the very moment the DAPP closed them.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Applies the DAPP's keep-alive timeout to an HTTP or HTTPS server. */
export function keepIdleConnections<T extends Server>(server: T): T {
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Above the keep-alive timeout, so a connection reused late is not cut by the headers timer.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  return server;
}
