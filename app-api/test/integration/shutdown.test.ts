// SPDX-License-Identifier: Apache-2.0
// The app-api as its own process (`serve`), with its embedded Postgres and a real mirror that
// datasync migrated: SIGTERM or SIGINT runs every shutdown step and exits 0.
import assert from 'node:assert/strict';
import path from 'node:path';

import type { ServiceProcess } from '@consortia/common/testing';
import {
  assertEveryStepRan,
  killIfRunning,
  portOpen,
  spawnService,
  stopWithSignal,
} from '@consortia/common/testing';

import type { TestDatabases } from '../support/stack';
import { freePort, startDatabases, startMirror, tempDir, waitUntil } from '../support/stack';
import { TEST_JWT_SECRET } from '../support/stack';

const ENTRY = path.resolve(__dirname, '../../src/index.ts');

describe('app-api shutdown on a signal (real process, embedded Postgres, real mirror)', function () {
  this.timeout(240_000);
  const dir = tempDir('shutdown');
  let databases: TestDatabases | undefined;
  let datasync: Awaited<ReturnType<typeof startMirror>> | undefined;
  let service: ServiceProcess | undefined;

  before(async function () {
    databases = await startDatabases('shutdown-mirror');
    // migrates the mirror; no peer is configured, so it mirrors nothing
    datasync = await startMirror(databases.mirrorUrl, undefined);
  });

  afterEach(function () {
    killIfRunning(service);
  });

  after(async function () {
    for (const step of datasync?.shutdownSteps ?? []) await step.run().catch(() => undefined);
    await databases?.stop();
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} runs every shutdown step, stops its Postgres and exits 0`, async function () {
      const port = await freePort();
      const pgPort = await freePort();
      service = spawnService(ENTRY, ['serve'], {
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        APP_API_DATA_DIR: path.join(dir, `postgres-${signal}`),
        APP_API_EMBEDDED_PG_PORT: String(pgPort),
        APP_API_PASSWORD_COST: '14',
        APP_API_JWT_SECRET: TEST_JWT_SECRET,
        MIRROR_DATABASE_URL: databases!.mirrorUrl,
        DAPP_URL: 'http://127.0.0.1:9',
        DAPP_API_KEY: 'unused.key',
      });
      const running = service;
      await waitUntil(
        'the app-api to answer /healthz',
        async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
        120_000,
      ).catch((error: unknown) => {
        // a start that hangs or dies says why only in the process's own output
        throw new Error(`${String(error)}; its output:\n${running.output().slice(-4000)}`);
      });

      const stopped = await stopWithSignal(running, signal, 60_000);
      assert.equal(stopped.code, 0, stopped.output);
      assertEveryStepRan(stopped, [
        'stop accepting requests',
        'finish audit writes',
        'close database',
      ]);
      assert.equal(await portOpen(pgPort), false, 'its embedded Postgres is stopped');
    });
  }
});
