// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

import { consortiaHome } from '../../src/install';
import { prometheusComponent } from '../../src/install/prometheus';
import { writeMonitoringFiles } from '../../src/monitoring/files';
import { promtool } from '../../src/monitoring/promtool';
import { parseNetworkOptions } from '../../src/topology/options';
import { buildTopology } from '../../src/topology/topology';
import { tempDir } from '../support/temp';
import {
  certificateRuleTest,
  expected,
  fabricAndServicesRuleTest,
  stoppedProcessRuleTest,
} from './monitoring-rule-cases';

/** promtool's unit tests of the rules: each alert fires on the series it watches, after its for: time. */
function ruleTests(rulesFile: string): unknown {
  return {
    rule_files: [rulesFile],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: [
          {
            series: 'ledger_blockchain_height{channel="consortium",node="peer0.org1"}',
            values: '100+1x20',
          },
          {
            series: 'ledger_blockchain_height{channel="consortium",node="peer1.org1"}',
            values: '80x20',
          },
          { series: 'up{job="dapp",instance="127.0.0.1:13100"}', values: '1 1 0x10' },
          { series: 'dapp_requests_stuck{status="submitted"}', values: '0 0 2x10' },
        ],
        alert_rule_test: [
          // 30 blocks behind from the start: pending until 5 minutes have passed
          { eval_time: '4m', alertname: 'ConsortiaPeerBehindChannel', exp_alerts: [] },
          {
            eval_time: '10m',
            alertname: 'ConsortiaPeerBehindChannel',
            exp_alerts: [
              {
                exp_labels: { severity: 'warning', channel: 'consortium', node: 'peer1.org1' },
                exp_annotations: {
                  summary: 'peer1.org1 is behind on channel consortium',
                  description:
                    "peer1.org1 trails the channel's highest block height by 30 blocks (more than 5) for 5 minutes.",
                },
              },
            ],
          },
          {
            eval_time: '5m',
            alertname: 'ConsortiaProcessDown',
            exp_alerts: [
              {
                exp_labels: { severity: 'critical', job: 'dapp', instance: '127.0.0.1:13100' },
                exp_annotations: {
                  summary: 'dapp 127.0.0.1:13100 does not answer',
                  description:
                    'Prometheus cannot scrape 127.0.0.1:13100 (dapp): the process is down or unreachable.',
                },
              },
            ],
          },
          {
            eval_time: '10m',
            alertname: 'ConsortiaDappRequestsStuck',
            exp_alerts: [
              {
                exp_labels: { severity: 'warning', status: 'submitted' },
                exp_annotations: {
                  summary: '2 DAPP requests stuck submitted',
                  description:
                    'Requests stay unfinished past the reconciler stuck time (RECONCILE_STUCK_MS); the reconciler cannot settle them.',
                },
              },
            ],
          },
        ],
      },
      eventStreamRuleTest,
      stoppedProcessRuleTest,
      fabricAndServicesRuleTest,
      certificateRuleTest,
    ],
  };
}

/** Quiet at 8 minutes, firing at 15: a for: of 10 minutes from the series' first minutes. */
function firesAfterTenMinutes(alertname: string, alert: unknown): unknown[] {
  return [
    { eval_time: '8m', alertname, exp_alerts: [] },
    { eval_time: '15m', alertname, exp_alerts: [alert] },
  ];
}

function parkedAlert(reason: string, count: number): unknown {
  return expected(
    { severity: 'warning', reason },
    `Event subscriptions parked (${reason})`,
    `${count} event subscriptions were parked in the last 10 minutes (${reason}): their webhook receiver kept failing or its address is refused. List the parked subscriptions (GET /v1/event-subscriptions), fix the receiver, then resume them.`,
  );
}

const eventStreamLag =
  "95% of the events delivered over webhook took up to 4m 48s from their transaction to the receiver's acknowledgement (more than 60 s) for 10 minutes. Check the mirror's lag (datasync), then slow or failing receivers (app_api_events_batches_failed_total).";

/** The event stream alerts: a subscription parked each minute, every event 1 to 5 minutes late,
 * and one channel's lowest checkpoint 1500 blocks behind the mirror while batches fail. */
const eventStreamRuleTest = {
  interval: '1m',
  input_series: [
    {
      series: 'app_api_events_subscriptions_parked_total{reason="WEBHOOK_FAILED"}',
      values: '0+1x30',
    },
    // the first parking for a reason: the counter appears at 1, an increase of nothing
    {
      series: 'app_api_events_subscriptions_parked_total{reason="WEBHOOK_ADDRESS_REFUSED"}',
      values: '_ _ _ 1x20',
    },
    // every observation falls between 60 and 300 s: p95 interpolates to 288 s
    {
      series: 'app_api_events_delivery_lag_seconds_bucket{transport="webhook",le="60"}',
      values: '0x30',
    },
    {
      series: 'app_api_events_delivery_lag_seconds_bucket{transport="webhook",le="300"}',
      values: '0+10x30',
    },
    {
      series: 'app_api_events_delivery_lag_seconds_bucket{transport="webhook",le="+Inf"}',
      values: '0+10x30',
    },
    { series: 'datasync_synced_block{channel="consortium"}', values: '2000+1x30' },
    {
      series: 'app_api_events_checkpoint_block{channel="consortium",stat="lowest"}',
      values: '500x30',
    },
    // a channel whose subscriptions keep up does not fire, failures elsewhere or not
    { series: 'datasync_synced_block{channel="quiet"}', values: '100x30' },
    { series: 'app_api_events_checkpoint_block{channel="quiet",stat="lowest"}', values: '90x30' },
    { series: 'app_api_events_batches_failed_total{transport="webhook"}', values: '0+1x30' },
  ],
  alert_rule_test: [
    {
      eval_time: '5m',
      alertname: 'ConsortiaEventSubscriptionsParked',
      exp_alerts: [parkedAlert('WEBHOOK_FAILED', 5), parkedAlert('WEBHOOK_ADDRESS_REFUSED', 1)],
    },
    // ten minutes after its first parking, a reason parked no more is quiet
    {
      eval_time: '16m',
      alertname: 'ConsortiaEventSubscriptionsParked',
      exp_alerts: [parkedAlert('WEBHOOK_FAILED', 10)],
    },
    // late from the first rate on, failing from the first increase on: pending for 10 minutes
    ...firesAfterTenMinutes(
      'ConsortiaEventDeliveryLagging',
      expected(
        { severity: 'warning', transport: 'webhook' },
        'Chaincode events reach webhook receivers late',
        eventStreamLag,
      ),
    ),
    ...firesAfterTenMinutes(
      'ConsortiaEventCheckpointBehind',
      expected(
        { severity: 'warning', channel: 'consortium' },
        'An event subscription on consortium falls behind the mirror',
        'The lowest checkpoint of the active event subscriptions on consortium is 1515 blocks behind the mirror (more than 1000) while event batches fail: a receiver does not keep up. Find the subscription with the lowest checkpoint (GET /v1/event-subscriptions) and check its receiver.',
      ),
    ),
  ],
};

// promtool, built from Prometheus's Go module by `consortia install prometheus`, reads the
// configuration `consortia monitoring config` writes, its rules, and runs the rules' unit tests.
describe('monitoring files checked by promtool (real promtool)', function () {
  this.timeout(120_000);
  const home = consortiaHome();
  const dir = tempDir('monitoring-promtool');
  let files: ReturnType<typeof writeMonitoringFiles>;

  before(function () {
    if (!prometheusComponent.isInstalled(home)) {
      this.skip(); // `consortia install prometheus` builds it; CI installs it first
    }
    const topology = buildTopology(
      parseNetworkOptions({ stateDir: dir, consensus: 'kafka', basePort: 7000 }, {}),
    );
    files = writeMonitoringFiles(topology, dir);
  });

  it('passes promtool check config (which checks the rule files too)', async function () {
    const output = await promtool(home, 'config', [files.config]);
    assert.match(output, /SUCCESS/);
  });

  it('passes promtool check rules', async function () {
    const output = await promtool(home, 'rules', [files.rules]);
    assert.match(output, /SUCCESS: \d+ rules found/);
  });

  it('fires the alerts the rules unit tests expect (promtool test rules)', async function () {
    const testFile = path.join(dir, 'rules-test.yml');
    fs.writeFileSync(testFile, YAML.stringify(ruleTests(path.basename(files.rules))));
    const output = await promtool(home, 'test rules', [testFile]);
    assert.match(output, /SUCCESS/);
  });
});
