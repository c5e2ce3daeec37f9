// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startChild } from '../support/events-processes';

describe("the event scenario's child processes", function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-child-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('count as started when they served and then ended by design before the next poll', async function () {
    // like a receiver told to die after its first batches: it says ready, then kills itself
    const entry = path.join(dir, 'ready-then-die.js');
    fs.writeFileSync(
      entry,
      "process.stdout.write('ready\\n'); process.kill(process.pid, 'SIGKILL');\n",
    );
    const child = await startChild(
      'receiver',
      entry,
      [],
      {},
      (_child, output) => Promise.resolve(output().includes('ready')),
      5_000,
    );
    assert.deepEqual(await child.exited, { code: null, signal: 'SIGKILL' });
  });

  it('still fail to start when they end without serving', async function () {
    const entry = path.join(dir, 'die.js');
    fs.writeFileSync(entry, "process.stderr.write('no settings'); process.exit(3);\n");
    await assert.rejects(
      startChild(
        'receiver',
        entry,
        [],
        {},
        (_child, output) => Promise.resolve(output().includes('ready')),
        2_000,
      ),
      /the receiver process ended: no settings/,
    );
  });
});
