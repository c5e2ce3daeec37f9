// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { REPOSITORY_ROOT, workspaceSelector } from '@consortia/network';

/** The folders npm runs a command in for `-w selector`. */
function selected(selector: string): string[] {
  const run = spawnSync(
    'npm',
    ['exec', '--silent', '-w', selector, '--', 'node', '-e', 'console.log(process.cwd())'],
    { cwd: REPOSITORY_ROOT, encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim().split('\n');
}

describe('selecting one workspace for its suite', function () {
  this.timeout(60_000);

  it('runs a script in the network workspace alone, not also in network/dev below it', function () {
    assert.deepEqual(selected(workspaceSelector('network')), [
      path.join(REPOSITORY_ROOT, 'network'),
    ]);
  });

  it('selects a nested workspace by its own name', function () {
    assert.equal(workspaceSelector('network/dev'), '@consortia/dev');
  });
});
