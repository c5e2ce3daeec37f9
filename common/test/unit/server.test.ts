// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import http from 'node:http';

import { closeServer, listen } from '../../src/http/server';

describe('listen and closeServer', function () {
  it('resolves with the port bound, and rejects when the port is taken', async function () {
    const first = http.createServer((_request, response) => response.end('ok'));
    const port = await listen(first, 0, '127.0.0.1');
    assert.ok(port > 0);
    try {
      await assert.rejects(listen(http.createServer(), port, '127.0.0.1'), /EADDRINUSE/);
    } finally {
      await closeServer(first);
    }
  });

  it('closes although a keep-alive connection stays open, once its request is answered', async function () {
    const server = http.createServer((_request, response) => response.end('ok'));
    const port = await listen(server, 0, '127.0.0.1');
    const agent = new http.Agent({ keepAlive: true });
    try {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, agent }, (response) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode));
          })
          .on('error', reject);
      });
      assert.equal(status, 200);
      await closeServer(server);
      assert.equal(server.listening, false);
    } finally {
      agent.destroy();
    }
  });
});
