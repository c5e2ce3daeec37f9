// SPDX-License-Identifier: Apache-2.0
// The explorer as its own process, over a real mirror (embedded Postgres filled by datasync):
// SIGTERM or SIGINT runs every shutdown step and exits 0.
import path from 'node:path';

import type { ServiceProcess } from '@consortia/common/testing';
import {
  assertCleanShutdown,
  killIfRunning,
  spawnService,
  waitForHealthz,
} from '@consortia/common/testing';

import { CHANNEL, TestChain } from '../support/chain';
import { explorerEnv } from '../support/explorer';
import { freePort, tempDir } from '../support/infra';
import type { TestMirror } from '../support/mirror';
import { startMirror } from '../support/mirror';

const ENTRY = path.resolve(__dirname, '../../src/index.ts');

describe('explorer shutdown on a signal (real process, real mirror)', function () {
  this.timeout(180_000);
  let mirror: TestMirror | undefined;
  let service: ServiceProcess | undefined;

  before(async function () {
    const chain = TestChain.standard(6);
    mirror = await startMirror(tempDir('shutdown'), CHANNEL, chain.blocks);
    await mirror.mirrored(CHANNEL, chain.height - 1);
  });

  afterEach(function () {
    killIfRunning(service);
  });

  after(async function () {
    await mirror?.stop();
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} runs every shutdown step and exits 0`, async function () {
      const port = await freePort();
      service = spawnService(
        ENTRY,
        [],
        await explorerEnv(mirror!.database.connectionString, {
          PORT: String(port),
          LOG_LEVEL: 'info',
        }),
      );
      const running = service;
      await waitForHealthz(running, 'the explorer', port);
      // a live feed client, so there is something to stop
      const controller = new AbortController();
      void fetch(`http://127.0.0.1:${port}/api/live`, { signal: controller.signal }).catch(
        () => undefined,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));

      try {
        await assertCleanShutdown(running, signal, {
          steps: ['stop accepting requests', 'close the mirror pool'],
          timeoutMs: 60_000,
        });
      } finally {
        controller.abort();
      }
    });
  }
});
