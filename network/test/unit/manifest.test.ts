// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../../src/errors';
import {
  manifestFromOptions,
  manifestPath,
  optionsFromManifest,
  readManifest,
  writeManifest,
} from '../../src/state/manifest';
import { parseNetworkOptions } from '../../src/topology/options';
import { tempDir } from '../support/temp';

describe('network.json', function () {
  const stateDir = tempDir('manifest');
  const file = manifestPath(stateDir);
  const options = parseNetworkOptions({ stateDir, orgs: 3 }, {});

  afterEach(() => fs.rmSync(file, { force: true }));

  it('round-trips and restores the options', function () {
    writeManifest(file, manifestFromOptions(options, '2.5.16'));
    const manifest = readManifest(file)!;
    assert.deepEqual(optionsFromManifest(manifest, stateDir, {}), options);
  });

  it('is absent for a new state dir', function () {
    assert.equal(readManifest(path.join(stateDir, 'nothing.json')), undefined);
  });

  for (const [content, reason] of [
    ['{not json', /not valid JSON/],
    ['{"formatVersion": 2}', /unknown format version/],
    ['{"formatVersion": 1, "consensus": "solo"}', /no known consensus/],
    ['{"formatVersion": 1, "consensus": "kafka", "orgs": 0}', /lacks orgs/],
  ] as const) {
    it(`calls a state dir corrupt when network.json ${reason.source}`, function () {
      fs.writeFileSync(file, content);
      assert.throws(
        () => readManifest(file),
        (error: unknown) =>
          error instanceof UserError &&
          reason.test(error.message) &&
          /down --purge/.test(error.hint ?? ''),
      );
    });
  }

  it('refuses explicit options that disagree with the existing network', function () {
    const manifest = manifestFromOptions(options, '2.5.16');
    assert.throws(
      () => optionsFromManifest(manifest, stateDir, { orgs: 2, consensus: 'kafka' }),
      /holds a network with orgs=3/,
    );
  });
});
