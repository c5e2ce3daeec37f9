// SPDX-License-Identifier: Apache-2.0
// The explorer as its own process, over a real mirror (embedded Postgres filled by datasync):
// SIGTERM or SIGINT runs every shutdown step and exits 0.
import assert from 'node:assert/strict';
import path from 'node:path';

import type { ServiceProcess } from '@consortia/common/testing';
import { logRecords, spawnService, stopWithSignal, waitUntil } from '@consortia/common/testing';

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
    if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
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
      await waitUntil(
        'the explorer to answer /healthz',
        async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
        120_000,
      );
      // a live feed client, so there is something to stop
      const controller = new AbortController();
      void fetch(`http://127.0.0.1:${port}/api/live`, { signal: controller.signal }).catch(
        () => undefined,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));

      const stopped = await stopWithSignal(running, signal, 60_000);
      assert.equal(stopped.code, 0, stopped.output);
      controller.abort();
      const announced = logRecords(stopped.output).find((record) => record.msg === 'shutting down');
      const steps = (announced?.steps ?? []) as string[];
      for (const step of ['stop accepting requests', 'close the mirror pool']) {
        assert.ok(steps.includes(step), `${step} is a shutdown step: ${steps.join(', ')}`);
      }
      assert.deepEqual(stopped.stepsFailed, [], stopped.output);
      assert.deepEqual(stopped.stepsDone, steps, 'every step ran, in order');
    });
  }
});
