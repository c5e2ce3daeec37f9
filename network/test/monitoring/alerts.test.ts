// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';

import { eventually, freePort } from '@consortia/common/testing';

import { consortiaHome } from '../../src/install';
import { prometheusComponent } from '../../src/install/prometheus';
import { alertRuleGroups } from '../../src/monitoring/rules';
import { runMonitoring } from '../../src/monitoring/run';
import { down } from '../../src/operations/down';
import { stopDaemon } from '../../src/process/supervisor';
import {
  localCredentials,
  localServices,
  startLocalServices,
} from '../../src/services/local-services';
import type { TestNetwork } from '../../src/testing';
import { sharedTestNetwork, TEST_NETWORK_BASE_PORT_ENV, TEST_NETWORK_ENV } from '../../src/testing';
import { commitThroughDapp, prometheusApi } from '../support/monitoring';
import { tempDir } from '../support/temp';

/** The suite's own network: it stops a peer, so it cannot use the shared one. */
const STATE_DIR =
  process.env.CONSORTIA_ALERTS_NETWORK ?? path.join(os.tmpdir(), 'consortia-alerts-network');
const BASE_PORT = process.env.CONSORTIA_ALERTS_BASE_PORT ?? '18000';
/** Set to keep the network (the stopped nodes come back on the next run) instead of `down`. */
const KEEP_NETWORK = process.env.CONSORTIA_ALERTS_KEEP_NETWORK === '1';
const STOPPED_PEER = 'peer1.org2';
/** Scrapes and evaluations every second, probes, and the blocks made meanwhile: seconds. */
const SLACK_SECONDS = 20;

interface Alert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

function forSeconds(alert: string): number {
  const rule = alertRuleGroups()
    .flatMap((group) => group.rules)
    .find((each) => each.alert === alert);
  const match = /^(\d+)([smh])$/.exec(rule?.for ?? '');
  if (!match) throw new Error(`no for: time for ${alert}`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'];
}

/** The alerts an injected fault must fire: the rule, and the labels that name the faulty node. */
const EXPECTED: { alert: string; labels: Record<string, string>; afterBlocks: boolean }[] = [
  { alert: 'ConsortiaProcessDown', labels: { job: 'datasync' }, afterBlocks: false },
  {
    alert: 'ConsortiaProcessDown',
    labels: { job: 'fabric-peer', node: STOPPED_PEER },
    afterBlocks: false,
  },
  { alert: 'ConsortiaProcessNotReady', labels: { process: 'datasync' }, afterBlocks: false },
  { alert: 'ConsortiaProcessNotReady', labels: { process: STOPPED_PEER }, afterBlocks: false },
  // these hold once the channel has grown past their thresholds after the stop
  { alert: 'ConsortiaPeerBehindChannel', labels: { node: STOPPED_PEER }, afterBlocks: true },
  { alert: 'ConsortiaMirrorLagging', labels: { channel: 'consortium' }, afterBlocks: true },
];

// Injected faults fire their alerts within the rules' for: times, on a real Prometheus scraping a
// real network: a peer and datasync are stopped while the DAPP keeps committing, and each alert
// that names them (down, not ready, peer behind its channel, mirror lagging) fires no earlier
// than its for: time after the stop and no later than that time (plus a scrape's slack) after
// its condition began to hold. About 8 minutes with the network already up, so it runs on its
// own: `npm run test:alerts -w @consortia/network`.
describe('alerts fire on injected faults (real Prometheus, real network)', function () {
  this.timeout(1_800_000);
  const home = consortiaHome();
  let network: TestNetwork | undefined;
  let prometheusUrl: string;

  before(async function () {
    if (!prometheusComponent.isInstalled(home)) this.skip();
    network = await sharedTestNetwork(undefined, {
      ...process.env,
      [TEST_NETWORK_ENV]: STATE_DIR,
      [TEST_NETWORK_BASE_PORT_ENV]: BASE_PORT,
    });
    const credentials = await localCredentials(network.stateDir);
    await startLocalServices(
      network.topology,
      localServices(network.topology, network.chaincode, credentials),
      [],
    );
    const monitoring = await runMonitoring(home, network.topology, {
      dir: tempDir('monitoring-alerts'),
      prometheusPort: await freePort(),
      exporterPort: await freePort(),
      scrapeIntervalSeconds: 1,
    });
    prometheusUrl = monitoring.prometheusUrl;
  });

  after(async function () {
    // everything started here belongs to this network's state dir, monitoring included
    if (network && !KEEP_NETWORK) await down(network.stateDir, false);
  });

  it('fires the alerts of a stopped peer and a stopped datasync within their for: times', async function () {
    const net = network as TestNetwork;
    const { dapp } = await localCredentials(net.stateDir);
    const query = (expr: string) =>
      prometheusApi<{ result: { value: [number, string] }[] }>(
        prometheusUrl,
        `query?query=${encodeURIComponent(expr)}`,
      );
    // everything scraped, every process ready and the mirror caught up before the faults
    await eventually(
      'every target up and every process ready',
      async () => {
        const bad = await query('up == 0 or consortia_process_ready == 0');
        // the mirrored block too: the mirror's lag is measured from it once datasync stops
        const scraped = await query('up{job="datasync"} == 1 and on () datasync_synced_block');
        return bad.result.length === 0 && scraped.result.length === 1 ? true : undefined;
      },
      120_000,
      1000,
    );
    await stopDaemon(net.topology.paths.run, STOPPED_PEER);
    await stopDaemon(net.topology.paths.run, 'datasync');
    const stoppedAt = Date.now();
    // more blocks than the mirror's threshold (10), one per committed transaction
    for (let index = 0; index < 12; index += 1) {
      await commitThroughDapp(net.topology, net.chaincode, dapp.key);
    }
    const blocksAt = Date.now();

    const firedAt = new Map<number, number>();
    const matches = (alert: Alert & { labels: { alertname: string } }, index: number) => {
      const wanted = EXPECTED[index];
      return (
        wanted !== undefined &&
        alert.state === 'firing' &&
        alert.labels.alertname === wanted.alert &&
        Object.entries(wanted.labels).every(([name, value]) => alert.labels[name] === value)
      );
    };
    const latest = Math.max(...EXPECTED.map((each) => forSeconds(each.alert)));
    await eventually(
      'every expected alert firing',
      async () => {
        const { alerts } = await prometheusApi<{
          alerts: (Alert & { labels: { alertname: string } })[];
        }>(prometheusUrl, 'alerts');
        EXPECTED.forEach((_, index) => {
          if (!firedAt.has(index) && alerts.some((alert) => matches(alert, index))) {
            firedAt.set(index, Date.now());
          }
        });
        return firedAt.size === EXPECTED.length ? true : undefined;
      },
      (latest + SLACK_SECONDS) * 1000 + (Date.now() - stoppedAt),
      1000,
    ).catch((error: unknown) => {
      const missing = EXPECTED.filter((_, index) => !firedAt.has(index));
      throw new Error(`not firing: ${JSON.stringify(missing)} (${String(error)})`);
    });
    for (const [index, at] of firedAt) {
      const wanted = EXPECTED[index];
      if (!wanted) continue;
      const duration = forSeconds(wanted.alert);
      const since = (from: number) => (at - from) / 1000;
      const name = `${wanted.alert} ${JSON.stringify(wanted.labels)}`;
      assert.ok(since(stoppedAt) >= duration, `${name} fired ${since(stoppedAt)} s after the stop`);
      const began = wanted.afterBlocks ? blocksAt : stoppedAt;
      process.stderr.write(
        `      ${name}: firing ${since(stoppedAt)} s after the stop, ${since(began)} s after its condition began (for: ${duration} s)\n`,
      );
      assert.ok(
        since(began) <= duration + SLACK_SECONDS,
        `${name} fired ${since(began)} s after its condition began to hold (for: ${duration} s)`,
      );
    }
  });
});
