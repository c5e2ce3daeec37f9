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
    ],
  };
}

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
