// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { findComponents } from '../../src/install';
import { writeInstallRecord } from '../../src/install/component';
import {
  PROMETHEUS_MODULE_VERSION,
  PROMETHEUS_VERSION,
  prometheusBinary,
  prometheusComponent,
  prometheusDir,
  prometheusGoMod,
  prometheusLdflags,
} from '../../src/install/prometheus';
import { tempDir } from '../support/temp';

describe('consortia install prometheus', function () {
  it('is a component `consortia install prometheus` knows', function () {
    assert.deepEqual(findComponents(['prometheus']), [prometheusComponent]);
  });

  it('requires the Prometheus 3 module at its v0.3XX.Y version and stamps the release', function () {
    assert.match(prometheusGoMod(), /require github\.com\/prometheus\/prometheus v0\.316\.0/);
    assert.equal(
      PROMETHEUS_MODULE_VERSION,
      `v0.${PROMETHEUS_VERSION.replace(/^3\.(\d+)\.(\d+)$/, '3$1.$2')}`,
    );
    assert.match(prometheusLdflags(), /common\/version\.Version=3\.16\.0/);
  });

  it('counts as installed only with both programs and its record', function () {
    const home = tempDir('prometheus-home');
    assert.equal(prometheusComponent.isInstalled(home), false);
    fs.mkdirSync(path.join(prometheusDir(home), 'bin'), { recursive: true });
    for (const program of ['prometheus', 'promtool'] as const) {
      fs.writeFileSync(prometheusBinary(home, program), '#!/bin/sh\n', { mode: 0o755 });
    }
    assert.equal(prometheusComponent.isInstalled(home), false);
    writeInstallRecord(prometheusDir(home), 'prometheus', PROMETHEUS_VERSION);
    assert.equal(prometheusComponent.isInstalled(home), true);
  });
});
