// SPDX-License-Identifier: Apache-2.0
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Starts listening and resolves with the port actually bound (port 0 picks a free one); a bind
 * error such as EADDRINUSE rejects instead of surfacing as an unhandled 'error' event.
 */
export function listen(server: Server, port: number, host: string): Promise<number> {
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
