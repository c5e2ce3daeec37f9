// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import http from 'node:http';

import { closeServer, listen } from '../../src/http/server';

describe("a service's idle keep-alive connections", function () {
  it('are kept longer than clients keep theirs, and advertised so', async function () {
    const server = http.createServer((_request, response) => response.end('{}'));
    const port = await listen(server, 0, '127.0.0.1');
    try {
      assert.equal(server.keepAliveTimeout, 65_000);
      assert.ok(server.headersTimeout > server.keepAliveTimeout);
      const response = await fetch(`http://127.0.0.1:${port}/`);
      await response.text();
      // clients (undici, the app-api's pool to the DAPP) give an idle connection up before this
      assert.equal(response.headers.get('keep-alive'), 'timeout=65');
    } finally {
      await closeServer(server);
    }
  });
});
