// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { layOutServiceApp } from '../../src/k8s/images/service-app';

function write(file: string, text = ''): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** Every path below `dir`, links marked with their target and not followed. */
function tree(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const name = `${prefix}${entry.name}`;
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) return [`${name} -> ${fs.readlinkSync(full)}`];
    return entry.isDirectory() ? [`${name}/`, ...tree(full, `${name}/`)] : [name];
  });
}

describe("a service image's /app", function () {
  let repo: string;

  beforeEach(function () {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-service-app-'));
    write(path.join(repo, 'package.json'), JSON.stringify({ workspaces: ['common', 'dapp'] }));
    // the DAPP's ajv conflicts with the hoisted one, so npm puts it in dapp/node_modules
    write(
      path.join(repo, 'package-lock.json'),
      JSON.stringify({ packages: { 'dapp/node_modules/ajv': { version: '8.0.0' } } }),
    );
    write(path.join(repo, '.npmrc'));
    write(
      path.join(repo, 'common/package.json'),
      JSON.stringify({ name: '@consortia/common', version: '0.1.0' }),
    );
    write(path.join(repo, 'common/dist/index.js'));
    write(
      path.join(repo, 'dapp/package.json'),
      JSON.stringify({
        name: '@consortia/dapp',
        version: '0.1.0',
        dependencies: { '@consortia/common': '0.1.0' },
      }),
    );
    write(path.join(repo, 'dapp/dist/index.js'));
    write(path.join(repo, 'dapp/src/index.ts'));
    write(path.join(repo, 'dapp/node_modules/a-dev-tool/index.js'));
  });

  afterEach(function () {
    fs.rmSync(repo, { recursive: true, force: true });
  });

  it('holds the build output it runs and its production install, with npm’s links kept', async function () {
    const app = path.join(repo, 'out', 'dapp');
    let installed: string[] = [];
    await layOutServiceApp(repo, 'dapp', app, async (dir, args) => {
      installed = args;
      // the install sees the manifests and the lockfile alone
      assert.deepEqual(tree(dir).sort(), [
        '.npmrc',
        'common/',
        'common/package.json',
        'dapp/',
        'dapp/package.json',
        'package-lock.json',
        'package.json',
      ]);
      write(path.join(dir, 'node_modules/express/index.js'));
      fs.mkdirSync(path.join(dir, 'node_modules/@consortia'));
      fs.symlinkSync('../../common', path.join(dir, 'node_modules/@consortia/common'));
      write(path.join(dir, 'dapp/node_modules/ajv/index.js'));
    });
    assert.deepEqual(installed.slice(0, 1), ['ci']);
    assert.equal(installed[installed.indexOf('--workspace') + 1], '@consortia/dapp');
    assert.deepEqual(tree(app).sort(), [
      'common/',
      'common/dist/',
      'common/dist/index.js',
      'common/package.json',
      'dapp/',
      'dapp/dist/',
      'dapp/dist/index.js',
      'dapp/node_modules/',
      'dapp/node_modules/ajv/',
      'dapp/node_modules/ajv/index.js',
      'dapp/package.json',
      'node_modules/',
      'node_modules/@consortia/',
      'node_modules/@consortia/common -> ../../common',
      'node_modules/express/',
      'node_modules/express/index.js',
    ]);
    // the scratch install is gone
    assert.deepEqual(fs.readdirSync(path.dirname(app)), ['dapp']);
  });

  it('refuses a workspace that was not built', async function () {
    fs.rmSync(path.join(repo, 'common/dist'), { recursive: true });
    await assert.rejects(
      layOutServiceApp(repo, 'dapp', path.join(repo, 'out', 'dapp'), () => Promise.resolve()),
      /common\/dist is missing/,
    );
    assert.deepEqual(fs.readdirSync(path.join(repo, 'out')), ['dapp']);
  });
});
