// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import type { SetValue } from '../../../src/charts/helm';
import { CHART_NAMES } from '../../../src/charts/helm';
import { validateObject, validateObjects } from '../../../src/charts/validate';
import type { Profile } from './support';
import { PROFILES, VARIANTS, render } from './support';

describe('charts: rendered objects against the Kubernetes API schemas', () => {
  it('flags an invalid object, so a pass means something', () => {
    const problems = validateObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'broken' },
      spec: { replicas: 'three', selector: {}, template: { spec: { containers: [] } } },
    });
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /replicas must be integer/);
  });

  it('refuses kinds it has no schema for', () => {
    const problems = validateObject({
      apiVersion: 'example.io/v1',
      kind: 'Gadget',
      metadata: { name: 'x' },
    });
    assert.match(problems[0] ?? '', /no schema for example.io\/v1 Gadget/);
  });

  for (const chart of CHART_NAMES) {
    const cases: [string, Profile, Record<string, SetValue>][] = PROFILES.map((profile) => [
      `${profile} values`,
      profile,
      {},
    ]);
    for (const [name, set] of Object.entries(VARIANTS[chart])) cases.push([name, 'default', set]);

    for (const [name, profile, set] of cases) {
      it(`${chart} with ${name} renders only valid objects`, async () => {
        const objects = await render(chart, profile, set);
        assert.ok(objects.length > 0, 'nothing rendered');
        assert.deepEqual(validateObjects(objects), []);
      });
    }
  }
});
