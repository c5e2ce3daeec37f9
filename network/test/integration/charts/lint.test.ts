// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { CHART_NAMES, chartDir, helmLint, locateHelm } from '../../../src/charts/helm';
import { PROFILES, valuesFor } from './support';

describe('charts: helm lint', () => {
  before(() => {
    // Fails with "run `consortia install helm`" when helm is missing.
    locateHelm();
  });

  for (const chart of CHART_NAMES) {
    for (const profile of PROFILES) {
      it(`${chart} passes helm lint --strict with ${profile} values`, async () => {
        const result = await helmLint(chartDir(chart), {
          strict: true,
          valuesFiles: valuesFor(chart, profile),
        });
        assert.ok(result.ok, result.output);
        assert.match(result.output, /1 chart\(s\) linted, 0 chart\(s\) failed/);
        assert.doesNotMatch(result.output, /\[(WARNING|ERROR)\]/);
      });
    }
  }

  it('reports the schema violation when values are invalid', async () => {
    const result = await helmLint(chartDir('org-blockchain'), { set: { 'peer.replicas': 0 } });
    assert.equal(result.ok, false);
    assert.match(result.output, /at '\/peer\/replicas': minimum: got 0, want 1/);
  });
});
