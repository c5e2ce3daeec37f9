// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import {
  eventually,
  freePort,
  spawnService,
  startServiceProcess,
  stopWithSignal,
  tempDir,
  testLogger,
  waitForStart,
  waitUntil,
} from '../../src/testing';

describe('test helpers', function () {
  it('tempDir makes a fresh directory the postgres user can search', function () {
    const dir = tempDir('unit');
    try {
      assert.equal(path.dirname(dir), os.tmpdir());
      assert.match(path.basename(dir), /^consortia-unit-/);
      assert.equal(fs.statSync(dir).mode & 0o777, 0o755);
      const other = tempDir('unit');
      assert.notEqual(other, dir);
      fs.rmSync(other, { recursive: true, force: true });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('freePort gives a port a server can bind', async function () {
    const port = await freePort();
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });

  it('testLogger is silent unless TEST_LOG_LEVEL says otherwise', function () {
    const saved = process.env.TEST_LOG_LEVEL;
    try {
      delete process.env.TEST_LOG_LEVEL;
      assert.equal(testLogger('unit').level, 'silent');
      process.env.TEST_LOG_LEVEL = 'debug';
      assert.equal(testLogger('unit').level, 'debug');
    } finally {
      if (saved === undefined) delete process.env.TEST_LOG_LEVEL;
      else process.env.TEST_LOG_LEVEL = saved;
    }
  });

  it('eventually retries through errors and undefined until the probe answers', async function () {
    let calls = 0;
    const value = await eventually(
      'the third call',
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('not yet');
        return calls === 3 ? 'done' : undefined;
      },
      1_000,
      1,
    );
    assert.equal(value, 'done');
    assert.equal(calls, 3);
  });

  it('eventually names what it waited for and the last error', async function () {
    await assert.rejects(
      eventually('the moon', async () => Promise.reject(new Error('refused')), 20, 5),
      /timed out waiting for the moon \(last error: Error: refused\)/,
    );
  });

  it('waitUntil waits for a condition, counting a throwing one as false', async function () {
    let calls = 0;
    await waitUntil('the second call', async () => {
      calls += 1;
      if (calls === 1) throw new Error('not yet');
      return true;
    });
    assert.equal(calls, 2);
    await assert.rejects(
      waitUntil('never', async () => false, 50),
      /timed out waiting for never/,
    );
  });

  it("waitForStart fails with the end of the process's own output when it does not come up", async function () {
    const entry = path.join(tempDir('unit'), 'refuses.js');
    fs.writeFileSync(entry, "process.stderr.write('FOO_URL is not set\\n'); process.exit(2);\n");
    const service = spawnService(entry, [], {});
    await assert.rejects(
      waitForStart(service, 'it to start', async () => false, 1_000),
      /timed out waiting for it to start; its output:\nFOO_URL is not set/,
    );
    assert.deepEqual(await service.exited, { code: 2, signal: null });
  });

  it('startServiceProcess runs a built entry on a free PORT until it answers /healthz', async function () {
    const entry = path.join(tempDir('unit'), 'serves.js');
    fs.writeFileSync(
      entry,
      "const http = require('node:http');\n" +
        "const server = http.createServer((req, res) => res.end(req.url === '/healthz' ? 'ok' : ''));\n" +
        "server.listen(Number(process.env.PORT), '127.0.0.1');\n" +
        "process.on('SIGTERM', () => server.close(() => process.exit(0)));\n",
    );
    const { service, port, base } = await startServiceProcess(entry, [], {}, 'the service');
    try {
      assert.equal(base, `http://127.0.0.1:${port}`);
      assert.equal(await (await fetch(`${base}/healthz`)).text(), 'ok');
    } finally {
      const stopped = await stopWithSignal(service, 'SIGTERM', 5_000);
      assert.equal(stopped.code, 0);
    }
  });
});
