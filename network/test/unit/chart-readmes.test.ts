// SPDX-License-Identifier: Apache-2.0
// Each chart's README lists every value of its values.yaml with the default and the meaning written
// in the `## @param` comments there; `npm run charts:readme` regenerates the tables. This test runs
// the same generator on a copy of each README and fails when the committed one differs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { CHART_NAMES, chartDir } from '../../src/charts/helm';

const GENERATOR = path.join(
  path.dirname(require.resolve('@bitnami/readme-generator-for-helm/package.json')),
  'bin',
  'index.js',
);

/** The README as the generator writes it for the chart's current values.yaml. */
function generated(chart: string): { committed: string; fresh: string } {
  const dir = chartDir(chart as (typeof CHART_NAMES)[number]);
  const committed = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-chart-readme-'));
  try {
    const copy = path.join(scratch, 'README.md');
    fs.writeFileSync(copy, committed);
    try {
      execFileSync(
        process.execPath,
        [GENERATOR, '--values', path.join(dir, 'values.yaml'), '--readme', copy],
        { stdio: 'pipe' },
      );
    } catch (error) {
      // the generator lists every value without a `## @param` comment, and every comment without a value
      const output = error as { stdout?: Buffer; stderr?: Buffer };
      assert.fail(
        `charts/${chart}/values.yaml: ${String(output.stdout ?? '')}${String(output.stderr ?? '')}`,
      );
    }
    return { committed, fresh: fs.readFileSync(copy, 'utf8') };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

describe("charts' READMEs", function () {
  this.timeout(60_000);

  for (const chart of CHART_NAMES) {
    it(`${chart}: the parameter table matches values.yaml (npm run charts:readme)`, function () {
      const { committed, fresh } = generated(chart);
      assert.match(committed, /^## Parameters$/m);
      assert.equal(
        committed,
        fresh,
        `charts/${chart}/README.md is out of date: run npm run charts:readme`,
      );
    });
  }
});
