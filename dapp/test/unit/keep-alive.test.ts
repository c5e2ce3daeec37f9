// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { KEEP_ALIVE_TIMEOUT_MS, keepIdleConnections } from '../../src/http/keep-alive';

describe("the DAPP's idle keep-alive connections", function () {
  it('are kept longer than clients keep theirs, and advertised so', async function () {
    const server = keepIdleConnections(
      http.createServer((_request, response) => response.end('{}')),
    );
    assert.equal(server.keepAliveTimeout, 65_000);
    assert.ok(server.headersTimeout > server.keepAliveTimeout);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const response = await fetch(`http://127.0.0.1:${port}/`);
      await response.text();
      // Clients (undici, the app-api's pool) give an idle connection up before this.
      assert.equal(response.headers.get('keep-alive'), `timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });
});
