// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { tempDir } from '@consortia/common/testing';

interface WebBuild {
  workspace: string;
  inputs: string[];
  output: string;
}
const { staleWebBuilds, WEB_BUILDS } = createRequire(__filename)('../../scripts/web-builds.js') as {
  staleWebBuilds: (root: string, builds?: WebBuild[]) => string[];
  WEB_BUILDS: WebBuild[];
};

function touch(file: string, secondsAgo: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, '');
  const time = new Date(Date.now() - secondsAgo * 1000);
  fs.utimesSync(file, time, time);
}

describe('bootstrap: web front end builds', function () {
  const build: WebBuild = {
    workspace: 'site',
    inputs: ['web', 'vite.config.mts'],
    output: 'dist/web/index.html',
  };

  it('builds a front end never built, and again only after an input changed', function () {
    const root = tempDir('web-builds');
    touch(path.join(root, 'site/web/src/main.tsx'), 100);
    touch(path.join(root, 'site/vite.config.mts'), 100);
    // directories count by their own time too (a file removed)
    touch(path.join(root, 'site/web/src'), 100);
    touch(path.join(root, 'site/web'), 100);
    assert.deepEqual(staleWebBuilds(root, [build]), ['site'], 'never built');

    touch(path.join(root, 'site/dist/web/index.html'), 50);
    assert.deepEqual(staleWebBuilds(root, [build]), [], 'built after its last change');

    touch(path.join(root, 'site/web/src/main.tsx'), 10);
    assert.deepEqual(staleWebBuilds(root, [build]), ['site'], 'a source changed since');
  });

  it("names the repository's front ends by what the workspace builds", function () {
    const root = path.resolve(__dirname, '../../../..');
    for (const each of WEB_BUILDS) {
      const manifest = JSON.parse(
        fs.readFileSync(path.join(root, each.workspace, 'package.json'), 'utf8'),
      ) as { scripts?: Record<string, string> };
      assert.ok(manifest.scripts?.['build:web'], `${each.workspace} has a build:web script`);
      for (const input of each.inputs) {
        assert.ok(fs.existsSync(path.join(root, each.workspace, input)), `${input} exists`);
      }
    }
  });
});
