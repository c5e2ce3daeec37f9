// SPDX-License-Identifier: Apache-2.0
// The charts' shared helpers live once, in the consortia-lib library chart that each chart
// vendors with `helm dependency build`: a fresh clone (no charts/ folder) renders, a change to the
// library reaches the charts, and no chart keeps its own copy of a library template.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  CHART_NAMES,
  chartDir,
  chartsRoot,
  helmTemplate,
  localDependencies,
  locateHelm,
} from '../../../src/charts/helm';

const LIBRARY = path.join(chartsRoot(), 'consortia-lib');

/** The names of the templates a folder of .tpl files defines. */
function definedTemplates(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.tpl'))
    .flatMap((file) =>
      [...fs.readFileSync(path.join(dir, file), 'utf8').matchAll(/define "([^"]+)"/g)].map(
        (match) => match[1] ?? '',
      ),
    );
}

describe('charts: the consortia-lib library chart', function () {
  this.timeout(120_000);

  before(() => {
    locateHelm();
  });

  it('is a library chart every chart depends on through file://', function () {
    assert.match(fs.readFileSync(path.join(LIBRARY, 'Chart.yaml'), 'utf8'), /^type: library$/m);
    for (const chart of CHART_NAMES) {
      const dependencies = localDependencies(chartDir(chart));
      assert.deepEqual(
        dependencies.map((dependency) => [dependency.name, dependency.dir]),
        [['consortia-lib', LIBRARY]],
        chart,
      );
    }
  });

  it('holds each shared template once: no chart defines one of its own', function () {
    const shared = new Set(definedTemplates(path.join(LIBRARY, 'templates')));
    assert.ok(shared.has('consortia.labels') && shared.has('consortia.serviceDeployment'));
    for (const chart of CHART_NAMES) {
      const own = definedTemplates(path.join(chartDir(chart), 'templates'));
      assert.deepEqual(
        own.filter((name) => shared.has(name)),
        [],
        `${chart} redefines library templates`,
      );
    }
  });

  describe('in a fresh copy of the charts', function () {
    let root: string;

    before(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-chart-library-'));
      fs.cpSync(LIBRARY, path.join(root, 'consortia-lib'), { recursive: true });
      fs.cpSync(chartDir('org-application'), path.join(root, 'org-application'), {
        recursive: true,
      });
      // as in a fresh clone: the vendored library is not committed
      fs.rmSync(path.join(root, 'org-application', 'charts'), { recursive: true, force: true });
    });

    after(() => {
      fs.rmSync(root, { recursive: true, force: true });
    });

    it('vendors the library on first render, and again once the library changed', async function () {
      const chart = path.join(root, 'org-application');
      const archive = path.join(chart, 'charts', 'consortia-lib-0.1.0.tgz');
      const labelsOf = async () =>
        (await helmTemplate(chart, { releaseName: 'org1' })).find(
          (object) => object.kind === 'Deployment',
        )?.metadata.labels;

      assert.equal((await labelsOf())?.['app.kubernetes.io/part-of'], 'consortia');
      assert.ok(fs.existsSync(archive), 'helm dependency build vendored the library');

      const names = path.join(root, 'consortia-lib', 'templates', '_names.tpl');
      fs.writeFileSync(
        names,
        fs
          .readFileSync(names, 'utf8')
          .replace('app.kubernetes.io/part-of: consortia', 'app.kubernetes.io/part-of: changed'),
      );
      // a later modification time than the archive's, whatever the file system's resolution
      const later = new Date(fs.statSync(archive).mtimeMs + 5_000);
      fs.utimesSync(names, later, later);
      assert.equal((await labelsOf())?.['app.kubernetes.io/part-of'], 'changed');
    });
  });
});
