// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import path from 'node:path';

import { ensureRunning } from '../../src/process/daemon';
import type { PidRecord } from '../../src/process/supervisor';
import { isOurs, stopDaemon } from '../../src/process/supervisor';
import { tempDir } from '../support/temp';

describe('ensuring a daemon runs', function () {
  const stateDir = tempDir('daemon');
  const runDir = path.join(stateDir, 'run');
  const logDir = path.join(stateDir, 'logs');
  const spec = (tag: string) => ({
    name: 'server',
    command: process.execPath,
    args: ['-e', 'setInterval(() => {}, 1000)', tag],
    runDir,
    logDir,
  });
  const ready = async () => true;

  after(() => stopDaemon(runDir, 'server'));

  it('starts once, keeps a running one, and replaces one it may not keep', async function () {
    const started: PidRecord[] = [];
    const first = await ensureRunning({
      spec: spec('v1'),
      description: 'v1',
      ready,
      timeoutMs: 5000,
      started,
    });
    const again = await ensureRunning({
      spec: spec('v1'),
      description: 'v1',
      ready,
      timeoutMs: 5000,
      started,
    });
    assert.equal(again.pid, first.pid);
    assert.deepEqual(started, [first]);

    const replaced = await ensureRunning({
      spec: spec('v2'),
      description: 'v2',
      ready,
      timeoutMs: 5000,
      reuse: (running) => running.args.includes('v2'),
      started,
    });
    assert.notEqual(replaced.pid, first.pid);
    assert.equal(isOurs(first), false);
    assert.equal(started.length, 2);
  });

  it('gives up at once, with its log, when the process exits', async function () {
    await stopDaemon(runDir, 'server');
    await assert.rejects(
      ensureRunning({
        spec: { ...spec('x'), args: ['-e', "console.log('bad config'); process.exit(3)"] },
        description: 'never',
        ready: async () => false,
        timeoutMs: 10_000,
        label: 'the test server',
      }),
      /the test server exited:\n[\s\S]*bad config/,
    );
  });
});
