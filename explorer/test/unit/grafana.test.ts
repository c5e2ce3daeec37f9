// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { ConfigError } from '@consortia/common';

import { readConfig } from '../../src/config';
import {
  GRAFANA_DASHBOARDS,
  grafanaDashboardUrl,
  nodeDashboardUrl,
  ORG_VARIABLE,
  orgDashboardUrl,
} from '../../src/grafana';

const BASE = { DATABASE_URL: 'postgres://x@db/datasync', EXPLORER_DEMO_MODE: 'true' };

/** The dashboards the charts ship, as `consortia monitoring` generated them. */
function generatedDashboards(): Map<string, { templating: { list: { name: string }[] } }> {
  const charts = path.resolve(__dirname, '..', '..', '..', 'charts');
  const found = new Map<string, { templating: { list: { name: string }[] } }>();
  for (const chart of readdirSync(charts)) {
    const dir = path.join(charts, chart, 'files', 'monitoring', 'dashboards');
    let files: string[];
    try {
      files = readdirSync(dir);
    } catch {
      continue;
    }
    for (const file of files) {
      const json = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
        uid: string;
        templating: { list: { name: string }[] };
      };
      found.set(json.uid, json);
    }
  }
  return found;
}

describe('Grafana dashboard links', function () {
  it('builds <grafana>/d/<uid>?var-<name>=<value>, without empty variables or a doubled slash', function () {
    assert.equal(
      grafanaDashboardUrl('https://grafana.example/', 'consortia-peers', { org: 'Org1MSP' }),
      'https://grafana.example/d/consortia-peers?var-org=Org1MSP',
    );
    assert.equal(
      grafanaDashboardUrl('http://g:3000/grafana', 'consortia-ordering', { org: undefined }),
      'http://g:3000/grafana/d/consortia-ordering',
    );
    assert.equal(
      grafanaDashboardUrl('http://g', 'consortia-peers', { org: 'A&B MSP' }),
      'http://g/d/consortia-peers?var-org=A%26B+MSP',
    );
  });

  it("links a peer to the peers dashboard, an orderer to the ordering service's", function () {
    assert.equal(nodeDashboardUrl('http://g', 'peer'), 'http://g/d/consortia-peers');
    assert.equal(nodeDashboardUrl('http://g', 'orderer'), 'http://g/d/consortia-ordering');
  });

  it("links an organization to its peers, the orderers' MSP to the ordering service", function () {
    assert.equal(
      orgDashboardUrl('http://g', 'Org2MSP'),
      'http://g/d/consortia-peers?var-org=Org2MSP',
    );
    assert.equal(orgDashboardUrl('http://g', 'OrdererMSP'), 'http://g/d/consortia-ordering');
  });

  it('uses the UIDs and the variable of the dashboards the charts ship', function () {
    const dashboards = generatedDashboards();
    for (const uid of Object.values(GRAFANA_DASHBOARDS)) {
      assert.ok(dashboards.has(uid), `no generated dashboard has the UID ${uid}`);
    }
    const variables = dashboards.get(GRAFANA_DASHBOARDS.peers)?.templating.list.map((v) => v.name);
    assert.ok(
      variables?.includes(ORG_VARIABLE),
      `the peers dashboard has no ${ORG_VARIABLE} variable`,
    );
  });

  it('reads EXPLORER_GRAFANA_URL as an http(s) URL and leaves it out when unset', function () {
    assert.equal(readConfig(BASE).grafanaUrl, undefined);
    assert.equal(readConfig({ ...BASE, EXPLORER_GRAFANA_URL: '' }).grafanaUrl, undefined);
    assert.equal(
      readConfig({ ...BASE, EXPLORER_GRAFANA_URL: 'https://grafana.example/sub/' }).grafanaUrl,
      'https://grafana.example/sub',
    );
    for (const wrong of ['grafana.example', 'ftp://grafana.example', 'javascript:alert(1)']) {
      assert.throws(
        () => readConfig({ ...BASE, EXPLORER_GRAFANA_URL: wrong }),
        (error: unknown) =>
          error instanceof ConfigError &&
          /EXPLORER_GRAFANA_URL: expected the http\(s\) URL of Grafana/.test(error.message),
        wrong,
      );
    }
  });
});
