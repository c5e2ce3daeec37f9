// SPDX-License-Identifier: Apache-2.0
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How long a service keeps an idle keep-alive connection open: longer than its clients keep theirs
 * (undici gives one up 2 s before the advertised timeout, load balancers commonly after 60 s), so
 * no client sends a request on a connection the service is closing as idle. Node's default of 5 s
 * let the app-api reuse connections to the DAPP at the very moment the DAPP closed them.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Applies the services' keep-alive timeout to an HTTP or HTTPS server. */
function keepIdleConnections(server: Server): void {
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // above the keep-alive timeout, so a connection reused late is not cut by the headers timer
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
}

/**
 * Starts listening (with the services' keep-alive timeout) and resolves with the port actually bound (port 0 picks a free one); a bind
 * error such as EADDRINUSE rejects instead of surfacing as an unhandled 'error' event.
 */
export function listen(server: Server, port: number, host: string): Promise<number> {
  keepIdleConnections(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting connections and resolves once the requests in progress are answered. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Idle keep-alive connections would hold close() open; busy ones finish their request.
    server.closeIdleConnections();
  });
}
