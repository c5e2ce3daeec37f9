// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { eventually, freePort } from '@consortia/common/testing';

import { consortiaHome } from '../../src/install';
import { prometheusComponent } from '../../src/install/prometheus';
import { alertRuleGroups } from '../../src/monitoring/rules';
import { runMonitoring } from '../../src/monitoring/run';
import { stopStarted } from '../../src/operations/down';
import type { PidRecord } from '../../src/process/supervisor';
import { stopDaemon } from '../../src/process/supervisor';
import {
  localCredentials,
  localServices,
  startLocalServices,
} from '../../src/services/local-services';
import type { TestNetwork } from '../../src/testing';
import { sharedTestNetwork } from '../../src/testing';
import { tempDir } from '../support/temp';

interface Alert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
}

function forSeconds(alert: string): number {
  const rule = alertRuleGroups()
    .flatMap((group) => group.rules)
    .find((each) => each.alert === alert);
  const match = /^(\d+)([smh])$/.exec(rule?.for ?? '');
  if (!match) throw new Error(`no for: time for ${alert}`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'];
}

// An injected fault fires its alert within the rule's `for:` time, on a real Prometheus scraping
// the shared network: datasync (started by this suite, so no other suite's process) is stopped and
// ConsortiaProcessDown fires for it. The shared network's nodes are not stopped: other suites use
// them. About 80 s, so it runs on its own: `npm run test:alerts -w @consortia/network`.
describe('alerts fire on injected faults (real Prometheus, real network)', function () {
  this.timeout(600_000);
  const home = consortiaHome();
  let network: TestNetwork;
  let prometheusUrl: string;
  const started: PidRecord[] = [];

  before(async function () {
    if (!prometheusComponent.isInstalled(home)) this.skip();
    network = await sharedTestNetwork();
    const credentials = await localCredentials(network.stateDir);
    await startLocalServices(
      network.topology,
      localServices(network.topology, network.chaincode, credentials),
      started,
    );
    if (!started.some((record) => record.name === 'datasync')) {
      // someone else's datasync runs on the shared network: not ours to stop
      this.skip();
    }
    const monitoring = await runMonitoring(home, network.topology, {
      dir: tempDir('monitoring-alerts'),
      prometheusPort: await freePort(),
      exporterPort: await freePort(),
      scrapeIntervalSeconds: 1,
    });
    started.push(...monitoring.started);
    prometheusUrl = monitoring.prometheusUrl;
  });

  after(async function () {
    if (network) await stopStarted(network.topology.paths.run, started);
  });

  it('fires ConsortiaProcessDown for datasync within its for: time once datasync stops', async function () {
    const alerts = async () => {
      const response = await fetch(`${prometheusUrl}/api/v1/alerts`);
      return (
        (await response.json()) as {
          data: { alerts: (Alert & { labels: { alertname: string } })[] };
        }
      ).data.alerts;
    };
    // datasync is up and scraped before the fault
    await eventually(
      'datasync scraped',
      async () => {
        const response = await fetch(
          `${prometheusUrl}/api/v1/query?query=${encodeURIComponent('up{job="datasync"}')}`,
        );
        const body = (await response.json()) as { data: { result: { value: [number, string] }[] } };
        return body.data.result[0]?.value[1] === '1' ? true : undefined;
      },
      30_000,
      500,
    );
    await stopDaemon(network.topology.paths.run, 'datasync');
    const stoppedAt = Date.now();
    const budget = (forSeconds('ConsortiaProcessDown') + 15) * 1000;
    const firing = await eventually(
      'ConsortiaProcessDown firing for datasync',
      async () =>
        (await alerts()).find(
          (alert) =>
            alert.labels.alertname === 'ConsortiaProcessDown' &&
            alert.labels.job === 'datasync' &&
            alert.state === 'firing',
        ),
      budget,
      1000,
    );
    const seconds = (Date.now() - stoppedAt) / 1000;
    assert.ok(seconds >= forSeconds('ConsortiaProcessDown'), `fired after ${seconds} s only`);
    assert.equal(firing.labels.severity, 'critical');
  });
});
