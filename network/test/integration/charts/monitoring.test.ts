// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import type { ChartName, KubeObject } from '../../../src/charts/helm';
import { chartDir, locateHelm, parseManifests } from '../../../src/charts/helm';
import { CHART_MONITORING } from '../../../src/monitoring/chart-files';
import { clusterExporterConfig } from '../../../src/monitoring/exporter/cluster';
import { dashboardJson } from '../../../src/monitoring/files';
import { rulesFile } from '../../../src/monitoring/rules';
import { runCommand } from '../../../src/process/run-command';
import { NAMESPACE, RELEASE } from './support';

const OPERATOR = ['monitoring.coreos.com/v1/PodMonitor', 'monitoring.coreos.com/v1/PrometheusRule'];

/** helm template, as a cluster with (or without) the Prometheus Operator's CRDs would see it. */
async function renderWith(
  chart: ChartName,
  apiVersions: readonly string[],
  set: string[] = [],
): Promise<KubeObject[]> {
  const args = ['template', RELEASE, chartDir(chart), '--namespace', NAMESPACE];
  for (const version of apiVersions) args.push('--api-versions', version);
  for (const value of set) args.push('--set', value);
  const result = await runCommand(locateHelm(), args, { timeoutMs: 120_000 });
  assert.equal(result.code, 0, result.stderr);
  return parseManifests(result.stdout);
}

const SCRAPED: Record<ChartName, { component: string; job: string; port: string }[]> = {
  'org-blockchain': [
    { component: 'peer', job: 'fabric-peer', port: 'operations' },
    { component: 'dapp', job: 'dapp', port: 'http' },
    { component: 'datasync', job: 'datasync', port: 'http' },
    { component: 'explorer', job: 'explorer', port: 'http' },
    { component: 'exporter', job: 'consortia-exporter', port: 'http' },
  ],
  'ordering-service': [
    { component: 'orderer', job: 'fabric-orderer', port: 'operations' },
    { component: 'exporter', job: 'consortia-exporter', port: 'http' },
  ],
  'org-application': [{ component: 'app-api', job: 'app-api', port: 'http' }],
};

type Spec = Record<string, unknown>;

interface ExporterPod {
  containers: { env: { name: string; value: string }[]; command: string[] }[];
  volumes: { name: string; projected?: { sources: { secret: { items: { key: string }[] } }[] } }[];
}
const specOf = (object: KubeObject) => (object as unknown as { spec: Spec }).spec;

describe('charts: monitoring (PodMonitors or scrape annotations, rules, dashboards)', function () {
  this.timeout(120_000);
  it('ordering-service runs the Consortia exporter against its brokers, orderers and their certificates (no keys)', async function () {
    const objects = await renderWith('ordering-service', [], ['consensus=kafka']);
    const exporter = objects.find(
      (object) => object.kind === 'Deployment' && object.metadata.name.endsWith('-exporter'),
    );
    assert.ok(exporter, 'no exporter Deployment');
    const pod = (specOf(exporter).template as { spec: ExporterPod }).spec;
    assert.deepEqual(pod.containers[0]?.command, [
      'node',
      '/app/network/dist/monitoring/exporter/main.js',
    ]);
    const env = Object.fromEntries(pod.containers[0].env.map((each) => [each.name, each.value]));
    const config = clusterExporterConfig(env);
    assert.equal(config.sources.kafkaBrokers.length, 3);
    assert.match(config.sources.kafkaBrokers[0] ?? '', /-kafka-0\..*:9092$/);
    assert.deepEqual(
      config.sources.probes.map((probe) => probe.process),
      ['orderer0', 'orderer1', 'orderer2'],
    );
    // Kafka-ordered orderers are asked /version, as their own probes are
    assert.ok(config.sources.probes.every((probe) => probe.url.endsWith(':9443/version')));
    const keys = pod.volumes.flatMap((volume) =>
      (volume.projected?.sources ?? []).flatMap((source) =>
        source.secret.items.map((item) => item.key),
      ),
    );
    assert.ok(keys.includes('cert.pem') && keys.includes('tls.crt'), keys.join());
    assert.deepEqual(
      keys.filter((key) => /key/.test(key)),
      [],
      'a private key is mounted',
    );
  });

  for (const chart of Object.keys(SCRAPED) as ChartName[]) {
    describe(chart, function () {
      it('with the Prometheus Operator: a PodMonitor per workload, jobs named as locally', async function () {
        const objects = await renderWith(chart, OPERATOR);
        const monitors = objects.filter((object) => object.kind === 'PodMonitor');
        assert.deepEqual(
          monitors.map((monitor) => monitor.metadata.labels?.['app.kubernetes.io/component']),
          SCRAPED[chart].map((each) => each.component),
        );
        for (const [index, monitor] of monitors.entries()) {
          const expected = SCRAPED[chart][index]!;
          const [endpoint] = specOf(monitor).podMetricsEndpoints as {
            port: string;
            path: string;
            relabelings: { targetLabel: string; replacement?: string }[];
          }[];
          assert.equal(endpoint?.port, expected.port);
          assert.equal(endpoint?.path, '/metrics');
          assert.equal(
            endpoint?.relabelings.find((relabel) => relabel.targetLabel === 'job')?.replacement,
            expected.job,
          );
        }
        assert.equal(
          objects.some((object) => object.metadata.annotations?.['prometheus.io/scrape']),
          false,
          'no scrape annotations beside the PodMonitors (they would be scraped twice)',
        );
        const rules = objects.filter((object) => object.kind === 'PrometheusRule');
        const groups = CHART_MONITORING[chart]?.groups ?? [];
        if (groups.length === 0) {
          assert.equal(rules.length, 0);
        } else {
          assert.equal(rules.length, 1);
          assert.deepEqual(specOf(rules[0]!), rulesFile(undefined, groups));
        }
      });

      it('without it: headless Services with prometheus.io annotations, and no CRD objects', async function () {
        const objects = await renderWith(chart, []);
        assert.equal(
          objects.some((object) => object.apiVersion.startsWith('monitoring.coreos.com')),
          false,
        );
        const annotated = objects.filter(
          (object) => object.metadata.annotations?.['prometheus.io/scrape'] === 'true',
        );
        assert.deepEqual(
          annotated.map((service) => service.metadata.labels?.['app.kubernetes.io/component']),
          SCRAPED[chart].map((each) => each.component),
        );
        for (const service of annotated) {
          assert.equal(service.kind, 'Service');
          assert.equal(service.metadata.annotations?.['prometheus.io/path'], '/metrics');
        }
      });

      it("ships its dashboards as ConfigMaps with Grafana's sidecar label", async function () {
        const objects = await renderWith(chart, []);
        const dashboards = objects.filter(
          (object) =>
            object.kind === 'ConfigMap' && object.metadata.labels?.grafana_dashboard === '1',
        );
        const uids = CHART_MONITORING[chart]?.dashboards ?? [];
        assert.equal(dashboards.length, uids.length);
        for (const uid of uids) {
          const map = dashboards.find((object) =>
            Object.keys((object as unknown as { data: Record<string, string> }).data).includes(
              `${uid}.json`,
            ),
          );
          assert.ok(map, `no ConfigMap for ${uid}`);
          const data = (map as unknown as { data: Record<string, string> }).data;
          assert.deepEqual(JSON.parse(data[`${uid}.json`] ?? ''), JSON.parse(dashboardJson(uid)));
        }
      });

      it('renders nothing for monitoring when it is disabled', async function () {
        const objects = await renderWith(chart, OPERATOR, ['monitoring.enabled=false']);
        assert.equal(
          objects.some(
            (object) =>
              object.apiVersion.startsWith('monitoring.coreos.com') ||
              object.metadata.labels?.grafana_dashboard !== undefined ||
              object.metadata.annotations?.['prometheus.io/scrape'] !== undefined,
          ),
          false,
        );
      });
    });
  }
});
