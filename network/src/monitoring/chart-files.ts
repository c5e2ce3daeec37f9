// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

import { dashboardJson } from './files';
import { rulesFile } from './rules';

/**
 * What each chart ships: the rule groups and dashboards of the workloads it deploys. Together the
 * charts carry every group of the plain rules file; the exporter's group goes with each chart that
 * runs an exporter, and `up == 0` with each chart, so a Prometheus watching only one chart still
 * has them (with several, Alertmanager merges the identical alerts).
 */
export const CHART_MONITORING: Record<string, { groups: string[]; dashboards: string[] }> = {
  'org-blockchain': {
    groups: ['consortia-fabric', 'consortia-services', 'consortia-processes', 'consortia-exporter'],
    dashboards: ['consortia-overview', 'consortia-peers', 'consortia-dapp', 'consortia-datasync'],
  },
  'ordering-service': {
    groups: ['consortia-processes', 'consortia-exporter', 'consortia-kafka'],
    dashboards: ['consortia-ordering'],
  },
  'org-application': {
    groups: ['consortia-event-streams', 'consortia-processes'],
    dashboards: ['consortia-app-api'],
  },
};

/** The files under `<chart>/files/monitoring/`, by path relative to that directory. */
export function chartMonitoringFiles(chart: string): Record<string, string> {
  const shipped = CHART_MONITORING[chart];
  if (!shipped) throw new Error(`no monitoring files for chart ${chart}`);
  const files: Record<string, string> = {};
  if (shipped.groups.length > 0) {
    files['rules.yaml'] = YAML.stringify(rulesFile(undefined, shipped.groups), { lineWidth: 0 });
  }
  for (const uid of shipped.dashboards) files[`dashboards/${uid}.json`] = dashboardJson(uid);
  return files;
}

/** Regenerates every chart's monitoring files from the definitions (`consortia monitoring charts`). */
export function writeChartMonitoringFiles(chartsDir: string): string[] {
  const written: string[] = [];
  for (const chart of Object.keys(CHART_MONITORING)) {
    const dir = path.join(chartsDir, chart, 'files', 'monitoring');
    fs.rmSync(dir, { recursive: true, force: true });
    for (const [name, content] of Object.entries(chartMonitoringFiles(chart))) {
      const file = path.join(dir, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      written.push(file);
    }
  }
  return written;
}
