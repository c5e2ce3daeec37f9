// SPDX-License-Identifier: Apache-2.0
// Log shipping: with logShipping.enabled the Consortia services' pods (JSON logs on stdout) carry
// the labels and annotations log collectors select and parse them by; off, nothing changes. And
// the explorer gets Grafana's URL to link its pages to the shipped dashboards.
import assert from 'node:assert/strict';

import type { ChartName } from '../../../src/charts/helm';
import type { KubeObject } from '../../../src/charts/helm';
import { locateHelm } from '../../../src/charts/helm';
import { containerNamed, envValue, named, render, RELEASE, workloadSpec } from './support';

const SERVICES: readonly [ChartName, string][] = [
  ['org-blockchain', 'dapp'],
  ['org-blockchain', 'datasync'],
  ['org-blockchain', 'explorer'],
  ['org-application', 'app-api'],
];

function podMetadata(object: KubeObject): {
  labels: Record<string, string>;
  annotations: Record<string, string>;
} {
  const metadata = workloadSpec(object).template.metadata as {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  return { labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {} };
}

const deployment = (objects: readonly KubeObject[], chart: ChartName, component: string) =>
  named(objects, 'Deployment', `${RELEASE}-${chart}-${component}`);

describe('charts: log shipping values', function () {
  this.timeout(120_000);

  before(() => {
    locateHelm();
  });

  it('marks no pod for a collector by default', async function () {
    for (const [chart, component] of SERVICES) {
      const pod = podMetadata(deployment(await render(chart), chart, component));
      assert.equal(pod.labels['consortia.io/logs'], undefined, component);
      assert.equal(pod.annotations['fluentbit.io/parser'], undefined, component);
    }
  });

  it("labels and annotates every service's pods when enabled, keeping their own annotations", async function () {
    for (const [chart, component] of SERVICES) {
      const values = chart === 'org-application' ? 'appApi' : component;
      const objects = await render(chart, 'default', {
        'logShipping.enabled': true,
        'logShipping.labels.team': 'ledger',
        [`${values}.podAnnotations.fluentbit\\.io/exclude`]: 'false',
      });
      const pod = podMetadata(deployment(objects, chart, component));
      assert.equal(pod.labels['consortia.io/logs'], 'json', component);
      assert.equal(pod.labels.team, 'ledger', component);
      assert.equal(pod.annotations['fluentbit.io/parser'], 'json', component);
      assert.equal(pod.annotations['fluentbit.io/exclude'], 'false', component);
      // the selector stays as it was: enabling log shipping must not replace the pods' identity
      const selector = (
        deployment(objects, chart, component).spec as {
          selector: { matchLabels: Record<string, string> };
        }
      ).selector.matchLabels;
      assert.equal(selector['consortia.io/logs'], undefined, component);
    }
  });

  it("gives the explorer Grafana's URL when set, and refuses one that is not http(s)", async function () {
    const explorer = (objects: readonly KubeObject[]) =>
      containerNamed(deployment(objects, 'org-blockchain', 'explorer'), 'explorer');
    assert.equal(
      envValue(explorer(await render('org-blockchain')), 'EXPLORER_GRAFANA_URL'),
      undefined,
    );
    const objects = await render('org-blockchain', 'default', {
      'explorer.grafanaUrl': 'https://grafana.example.com',
    });
    assert.equal(
      envValue(explorer(objects), 'EXPLORER_GRAFANA_URL'),
      'https://grafana.example.com',
    );
    await assert.rejects(
      render('org-blockchain', 'default', { 'explorer.grafanaUrl': 'grafana.example.com' }),
      /grafanaUrl/,
    );
  });
});
