// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { CCAAS_BUILDER_DIR } from '../../src/chaincode/builder';
import { buildServicePackage, readChaincodeProject } from '../../src/chaincode/package';
import { UserError } from '../../src/errors';
import { tempDir } from '../support/temp';

const builder = (step: string, ...args: string[]) =>
  execFileSync(path.join(CCAAS_BUILDER_DIR, 'bin', step), args, { stdio: 'pipe' });

describe('chaincode-as-a-service packaging', function () {
  const source = tempDir('cc-source');
  fs.mkdirSync(path.join(source, 'META-INF', 'statedb', 'couchdb', 'indexes'), { recursive: true });
  fs.writeFileSync(
    path.join(source, 'META-INF', 'statedb', 'couchdb', 'indexes', 'owner.json'),
    '{}',
  );

  it('packages metadata.json (type ccaas) and code.tar.gz with connection.json and META-INF', async function () {
    const output = tempDir('cc-out');
    const file = await buildServicePackage({
      label: 'kv_1.0',
      address: '127.0.0.1:7190',
      sourceDir: source,
      outputDir: output,
    });
    assert.equal(path.basename(file), 'kv_1.0.tar.gz');
    const listing = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .sort();
    assert.deepEqual(listing, ['code.tar.gz', 'metadata.json']);
    const unpacked = tempDir('cc-unpacked');
    execFileSync('tar', ['-xzf', file, '-C', unpacked]);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(unpacked, 'metadata.json'), 'utf8')), {
      type: 'ccaas',
      label: 'kv_1.0',
    });
    const code = execFileSync('tar', ['-tzf', path.join(unpacked, 'code.tar.gz')], {
      encoding: 'utf8',
    });
    assert.match(code, /^connection\.json$/m);
    assert.match(code, /META-INF\/statedb\/couchdb\/indexes\/owner\.json/);
  });

  it('the external builder detects, builds and releases such a package', function () {
    const metadata = tempDir('cc-meta');
    fs.writeFileSync(path.join(metadata, 'metadata.json'), '{"type": "ccaas", "label": "kv_1.0"}');
    builder('detect', source, metadata);
    const other = tempDir('cc-meta-node');
    fs.writeFileSync(path.join(other, 'metadata.json'), '{"type":"node","label":"x"}');
    assert.throws(() => builder('detect', source, other));

    fs.writeFileSync(path.join(source, 'connection.json'), '{"address":"127.0.0.1:7190"}');
    const build = tempDir('cc-build');
    builder('build', source, metadata, build);
    const release = tempDir('cc-release');
    builder('release', build, release);
    assert.equal(
      fs.readFileSync(path.join(release, 'chaincode', 'server', 'connection.json'), 'utf8'),
      '{"address":"127.0.0.1:7190"}',
    );
    assert.ok(fs.existsSync(path.join(release, 'statedb', 'couchdb', 'indexes', 'owner.json')));
  });

  it('the builder refuses a package without connection.json', function () {
    const empty = tempDir('cc-empty');
    assert.throws(
      () => builder('build', empty, empty, tempDir('cc-build')),
      /connection\.json is missing/,
    );
  });

  it('reads the chaincode project and insists that it is built', function () {
    const project = tempDir('cc-project');
    fs.writeFileSync(
      path.join(project, 'package.json'),
      '{"name":"@consortia/chaincode","version":"1.2.3","main":"dist/index.js"}',
    );
    assert.throws(
      () => readChaincodeProject(project),
      (error: unknown) => error instanceof UserError && /not built/.test(error.message),
    );
    fs.mkdirSync(path.join(project, 'dist'));
    fs.writeFileSync(path.join(project, 'dist', 'index.js'), '');
    assert.deepEqual(readChaincodeProject(project), {
      dir: project,
      name: 'chaincode',
      version: '1.2.3',
    });
    assert.throws(() => readChaincodeProject(tempDir('none')), /no chaincode project/);
  });
});
