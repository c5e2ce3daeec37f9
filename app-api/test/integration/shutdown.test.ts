// SPDX-License-Identifier: Apache-2.0
// The app-api as its own process (`serve`), with its embedded Postgres and a real mirror that
// datasync migrated: SIGTERM or SIGINT runs every shutdown step and exits 0.
import path from 'node:path';

import type { ServiceProcess } from '@consortia/common/testing';
import {
  assertCleanShutdown,
  killIfRunning,
  spawnService,
  waitForHealthz,
} from '@consortia/common/testing';

import type { TestDatabases } from '../support/stack';
import { freePort, startDatabases, startMirror, tempDir } from '../support/stack';
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
      await waitForHealthz(running, 'the app-api', port);

      await assertCleanShutdown(running, signal, {
        steps: ['stop accepting requests', 'finish audit writes', 'close database'],
        postgresPort: pgPort,
        timeoutMs: 60_000,
      });
    });
  }
});
