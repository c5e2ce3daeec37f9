// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

import { CHART_MONITORING, chartMonitoringFiles } from '../../src/monitoring/chart-files';
import { dashboard, dashboardQueries, DASHBOARDS } from '../../src/monitoring/dashboards';
import { rulesYaml } from '../../src/monitoring/files';
import { panel, row } from '../../src/monitoring/dashboards/panels';
import { caSignedAt, selfSigned, selfSignedAt } from '@consortia/common/testing';

import { registrarMspDir } from '../../src/ca/client';
import { caOrgs } from '../../src/ca/layout';
import { scanCertificateDirs, scanCertificates } from '../../src/monitoring/exporter/certificates';
import { clusterExporterConfig } from '../../src/monitoring/exporter/cluster';
import { formatGauges } from '../../src/monitoring/exporter/text-format';
import { metricNames } from '../../src/monitoring/promql';
import { alertRuleGroups } from '../../src/monitoring/rules';
import { readinessProbes } from '../../src/monitoring/exporter/readiness';
import { JOBS, monitoringPorts, scrapeConfig } from '../../src/monitoring/scrape-config';
import { orgServicesRecord } from '../../src/membership/org-services';
import { manifestFromOptions, writeManifest } from '../../src/state/manifest';
import { REPOSITORY_ROOT } from '../../src/repository';
import { parseNetworkOptions } from '../../src/topology/options';
import { buildTopology, servicePorts } from '../../src/topology/topology';
import { makeOrg } from '../support/crypto-layout';
import { tempDir } from '../support/temp';

interface RulesYaml {
  groups: { rules: { alert: string }[] }[];
}

const topology = buildTopology(
  parseNetworkOptions({ stateDir: '/tmp/monitoring-unit', consensus: 'kafka', basePort: 7000 }, {}),
);

describe('monitoring definitions', function () {
  it('reads metric names out of PromQL, leaving functions, keywords, labels and variables', function () {
    assert.deepEqual(
      metricNames(
        'sum by (org) (rate(a_total{code=~"x|y"}[$__rate_interval])) / on (org) group_left (node) b offset 5m > 1e3 unless c',
      ),
      ['a_total', 'b', 'c'],
    );
    assert.deepEqual(metricNames('histogram_quantile(0.95, sum by (le) (rate(d_bucket[5m])))'), [
      'd_bucket',
    ]);
  });

  it('scrapes every peer, orderer and service of the network, and the exporter', function () {
    const config = scrapeConfig(topology, { ruleFiles: ['rules.yml'] });
    const targets = (job: string) =>
      config.scrape_configs
        .filter((each) => each.job_name === job)
        .flatMap((each) => each.static_configs.flatMap((entry) => entry.targets));
    assert.deepEqual(
      targets(JOBS.peer),
      topology.orgs.flatMap((org) => org.peers.map((peer) => `127.0.0.1:${peer.operationsPort}`)),
    );
    assert.deepEqual(targets(JOBS.orderer), ['127.0.0.1:7052']);
    assert.deepEqual(targets('dapp'), [`127.0.0.1:${servicePorts(topology).dapp.http}`]);
    assert.deepEqual(targets(JOBS.exporter), [`127.0.0.1:${monitoringPorts(topology).exporter}`]);
    assert.deepEqual(config.rule_files, ['rules.yml']);
  });

  it("scrapes and probes a joined org's own DAPP and datasync as network.json records them", function () {
    const stateDir = tempDir('monitoring-org-services');
    const options = parseNetworkOptions({ stateDir, consensus: 'kafka', basePort: 7000 }, {});
    const withServices = buildTopology(options);
    const org2 = withServices.orgs[1];
    assert.ok(org2);
    const manifest = manifestFromOptions(options, '2.5.16');
    const record = orgServicesRecord(withServices, org2, 'business');
    manifest.orgServices = { [org2.mspId]: record };
    fs.mkdirSync(path.dirname(withServices.paths.manifest), { recursive: true });
    writeManifest(withServices.paths.manifest, manifest);

    const dapp = scrapeConfig(withServices, { ruleFiles: [] }).scrape_configs.find(
      (job) => job.job_name === 'dapp',
    );
    assert.deepEqual(dapp?.static_configs, [
      {
        targets: [`127.0.0.1:${servicePorts(withServices).dapp.http}`],
        labels: { node: 'dapp' },
      },
      {
        targets: [`127.0.0.1:${record.ports.dapp.http}`],
        labels: { node: 'dapp.org2', org: org2.mspId },
      },
    ]);
    const probed = readinessProbes(withServices).map((probe) => probe.process);
    assert.ok(probed.includes('dapp.org2') && probed.includes('datasync.org2'), String(probed));
  });

  it('gives every alert a unique name, a duration, a severity and a summary', function () {
    const rules = alertRuleGroups().flatMap((group) => group.rules);
    assert.equal(new Set(rules.map((rule) => rule.alert)).size, rules.length);
    for (const rule of rules) {
      assert.match(rule.for, /^\d+[smh]$/, rule.alert);
      assert.ok(['warning', 'critical'].includes(rule.labels.severity), rule.alert);
      assert.ok(rule.annotations.summary && rule.annotations.description, rule.alert);
      assert.ok(metricNames(rule.expr).length > 0, rule.alert);
    }
  });

  it('builds dashboards with unique uids, laid-out panels and a query each', function () {
    assert.equal(new Set(DASHBOARDS.map((spec) => spec.uid)).size, DASHBOARDS.length);
    for (const spec of DASHBOARDS) {
      const model = dashboard(spec) as { panels: { gridPos: { x: number; w: number } }[] };
      assert.equal(model.panels.length, spec.panels.length);
      for (const panel of model.panels) assert.ok(panel.gridPos.x + panel.gridPos.w <= 24);
      for (const query of dashboardQueries(spec)) {
        assert.ok(metricNames(query.expr).length > 0, query.where);
      }
    }
  });

  it('lets the per-node dashboards choose a node, and filters every query of that node by it', function () {
    // the series read from elsewhere (the exporter's Kafka figures, the channel's highest height
    // a peer is compared with) name no node of the dashboard
    const shared = /consortia_kafka_|^max by \(channel\) \(ledger_blockchain_height\) -/;
    const chosen = { 'consortia-peers': 'node', 'consortia-ordering': 'node' } as const;
    for (const uid of [
      'consortia-peers',
      'consortia-ordering',
      'consortia-dapp',
      'consortia-datasync',
    ]) {
      const spec = DASHBOARDS.find((each) => each.uid === uid);
      assert.ok(spec, `no dashboard ${uid}`);
      const name = chosen[uid as keyof typeof chosen] ?? 'instance';
      assert.ok(
        spec.variables?.some((each) => each.name === name),
        `${uid} has no ${name}`,
      );
      for (const query of dashboardQueries(spec).filter(
        (each) => !each.where.includes('variable'),
      )) {
        if (shared.test(query.expr) && !query.expr.includes(`$${name}`)) continue;
        assert.ok(query.expr.includes(`${name}=~"$${name}"`), `${query.where}: ${query.expr}`);
      }
    }
  });

  it('starts a row header on a line of its own, the panels after it below it', function () {
    const model = dashboard({
      uid: 'rows',
      title: 'rows',
      description: 'rows',
      panels: [panel('a', { expr: 'a' }), row('Group'), panel('b', { expr: 'b' })],
    }) as { panels: { type: string; gridPos: { x: number; y: number; w: number } }[] };
    assert.deepEqual(
      model.panels.map((each) => [each.type, each.gridPos.x, each.gridPos.y, each.gridPos.w]),
      [
        ['timeseries', 0, 0, 12],
        ['row', 0, 8, 24],
        ['timeseries', 0, 9, 12],
      ],
    );
    const appApi = DASHBOARDS.find((spec) => spec.uid === 'consortia-app-api');
    assert.ok(appApi?.panels.some((each) => each.kind === 'row' && each.title === 'Event streams'));
  });

  it("keeps the charts' rules and dashboards in step with the definitions (consortia monitoring charts)", function () {
    for (const chart of Object.keys(CHART_MONITORING)) {
      const dir = path.join(REPOSITORY_ROOT, 'charts', chart, 'files', 'monitoring');
      for (const [name, content] of Object.entries(chartMonitoringFiles(chart))) {
        const file = path.join(dir, name);
        assert.ok(fs.existsSync(file), `${file} is missing: run consortia monitoring charts`);
        assert.equal(fs.readFileSync(file, 'utf8'), content, `${file} is stale`);
      }
    }
    const shipped = YAML.parse(
      fs.readFileSync(
        path.join(REPOSITORY_ROOT, 'charts/org-blockchain/files/monitoring/rules.yaml'),
        'utf8',
      ),
    ) as { groups: { name: string }[] };
    assert.deepEqual(
      shipped.groups.map((group) => group.name),
      CHART_MONITORING['org-blockchain']?.groups,
    );
  });

  it("carries every rule of the plain rules file in the charts' PrometheusRules, each alike", function () {
    const shipped = new Map<string, unknown>();
    for (const chart of Object.keys(CHART_MONITORING)) {
      const file = path.join(REPOSITORY_ROOT, 'charts', chart, 'files/monitoring/rules.yaml');
      if (!fs.existsSync(file)) continue;
      const content = YAML.parse(fs.readFileSync(file, 'utf8')) as RulesYaml;
      for (const rule of content.groups.flatMap((group) => group.rules)) {
        shipped.set(rule.alert, rule);
      }
    }
    const plain = YAML.parse(rulesYaml()) as RulesYaml;
    for (const rule of plain.groups.flatMap((group) => group.rules)) {
      assert.ok(shipped.has(rule.alert), `${rule.alert} is in no chart's PrometheusRule`);
      assert.deepEqual(shipped.get(rule.alert), rule, `${rule.alert} differs in the charts`);
    }
  });
});

describe('monitoring exporter', function () {
  it('finds each certificate once, the CA copies in every MSP counted as the CA', function () {
    const crypto = path.join(tempDir('monitoring-certs'), 'crypto');
    makeOrg(crypto, 'org1.consortia.local', 'peer', 1, ['Admin']);
    const found = scanCertificates(crypto);
    const key = (each: (typeof found)[number]) => `${each.kind}/${each.usage}/${each.subject}`;
    const keys = found.map(key).sort();
    assert.ok(keys.includes('ca/sign/ca.org1.consortia.local'), keys.join('\n'));
    assert.ok(keys.includes('ca/tls/tlsca.org1.consortia.local'), keys.join('\n'));
    assert.ok(keys.includes('peer/sign/peer0.org1.consortia.local'), keys.join('\n'));
    assert.ok(
      keys.some((each) => each.startsWith('user/sign/Admin@')),
      keys.join('\n'),
    );
    assert.equal(new Set(keys).size, keys.length);
    // the test CA signs for two days
    for (const each of found) assert.ok(each.expiresAt.getTime() - Date.now() < 3 * 86400_000);
  });

  it("reports the Fabric CA servers' own, TLS serving and registrar certificates", function () {
    const stateDir = tempDir('monitoring-ca-certs');
    const caTopology = buildTopology(
      parseNetworkOptions({ stateDir, consensus: 'kafka', basePort: 7000, crypto: 'ca' }, {}),
    );
    const org = caOrgs(caTopology)[1];
    assert.ok(org);
    const ca = selfSignedAt(
      { key: path.join(org.root.dir, 'ca-key.pem'), cert: path.join(org.root.dir, 'ca-cert.pem') },
      `/CN=${org.root.caName}`,
    );
    caSignedAt(
      {
        key: path.join(org.root.dir, 'tls-key.pem'),
        cert: path.join(org.root.dir, 'tls-cert.pem'),
      },
      'localhost',
      ca,
    );
    const registrar = path.join(registrarMspDir(org.root), 'signcerts');
    caSignedAt(
      { key: path.join(registrar, 'key.pem'), cert: path.join(registrar, 'cert.pem') },
      'admin',
      ca,
    );
    const found = scanCertificates(caTopology.paths.crypto, caOrgs(caTopology));
    assert.deepEqual(
      found.map((each) => `${each.kind}/${each.usage}/${each.org}/${each.subject}`).sort(),
      [
        `ca/sign/${org.domain}/${org.root.caName}`,
        `ca/tls/${org.domain}/localhost`,
        `user/sign/${org.domain}/admin`,
      ],
    );
  });

  it('reads the certificates a pod mounts from Secrets once each, through their ..data links', function () {
    const dir = tempDir('monitoring-mounted');
    const data = path.join(dir, 'msp', '..2026_12_01_00_00_00.1');
    const ca = selfSigned(data, 'ca.example.com');
    caSignedAt(
      { key: path.join(data, 'cert-key.pem'), cert: path.join(data, 'cert.pem') },
      'orderer0.example.com',
      ca,
    );
    // as the kubelet lays out a Secret volume: ..data points at the timestamped folder, each file
    // at ..data/<file>
    fs.symlinkSync(path.basename(data), path.join(dir, 'msp', '..data'));
    for (const file of ['cert.pem', 'ca.example.com.pem']) {
      fs.symlinkSync(path.join('..data', file), path.join(dir, 'msp', file));
    }
    const found = scanCertificateDirs([
      { dir: path.join(dir, 'msp'), kind: 'orderer', usage: 'sign', org: 'OrdererMSP' },
    ]);
    assert.deepEqual(
      found.map((each) => `${each.kind}/${each.usage}/${each.org}/${each.subject}`).sort(),
      ['ca/sign/OrdererMSP/ca.example.com', 'orderer/sign/OrdererMSP/orderer0.example.com'],
    );
  });

  it('takes its sources from EXPORTER_* variables in a cluster, refusing malformed entries', function () {
    const config = clusterExporterConfig({
      EXPORTER_KAFKA_BROKERS: 'kafka-0:9092, kafka-1:9092',
      EXPORTER_PROBES: 'orderer0=http://orderer0:9443/healthz',
      EXPORTER_CERTIFICATES: 'orderer:tls:OrdererMSP=/certificates/orderer0/tls',
    });
    assert.equal(config.port, 9100);
    assert.equal(config.host, '0.0.0.0');
    assert.deepEqual(config.sources.kafkaBrokers, ['kafka-0:9092', 'kafka-1:9092']);
    assert.deepEqual(config.sources.probes, [
      { process: 'orderer0', url: 'http://orderer0:9443/healthz' },
    ]);
    assert.deepEqual(config.sources.certificates(), []);
    assert.throws(
      () => clusterExporterConfig({ EXPORTER_PROBES: 'orderer0' }),
      /EXPORTER_PROBES: expected process=http/,
    );
    assert.throws(
      () => clusterExporterConfig({ EXPORTER_CERTIFICATES: 'ca:sign:Org1MSP=/x' }),
      /EXPORTER_CERTIFICATES/,
    );
  });

  it('writes gauges in the text format, escaping label values', function () {
    assert.equal(
      formatGauges([
        { name: 'g', help: 'a gauge', samples: [{ labels: { a: 'x"y\\z' }, value: 2 }] },
      ]),
      '# HELP g a gauge\n# TYPE g gauge\ng{a="x\\"y\\\\z"} 2\n',
    );
  });
});
