// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
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

  it("selects workspaces by package name in the repository's own npm scripts", function () {
    // `npm run x -w network` also runs x in network/dev, and fails there when it has no x
    const manifest = JSON.parse(
      fs.readFileSync(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8'),
    ) as { scripts: Record<string, string> };
    for (const [name, script] of Object.entries(manifest.scripts)) {
      for (const [, selector] of script.matchAll(/(?:^|\s)(?:-w|--workspace)[ =](\S+)/g))
        assert.match(selector ?? '', /^@consortia\//, `${name}: ${script}`);
    }
  });
});
