// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

import type { Topology } from '../topology/topology';
import { dashboard, DASHBOARDS } from './dashboards';
import { rulesFile } from './rules';
import type { ScrapeOptions } from './scrape-config';
import { scrapeConfig } from './scrape-config';

export const RULES_FILE = 'consortia-rules.yml';
export const CONFIG_FILE = 'prometheus.yml';

/** Where `consortia monitoring` keeps its files for a local network, unless told otherwise. */
export function monitoringDir(topology: Topology): string {
  return path.join(topology.options.stateDir, 'monitoring');
}

export interface MonitoringFiles {
  config: string;
  rules: string;
  dashboards: string[];
}

export function rulesYaml(): string {
  return YAML.stringify(rulesFile(), { lineWidth: 0 });
}

export function dashboardJson(uid: string): string {
  const spec = DASHBOARDS.find((each) => each.uid === uid);
  if (!spec) throw new Error(`no dashboard ${uid}`);
  return `${JSON.stringify(dashboard(spec), null, 2)}\n`;
}

/**
 * Writes the scrape configuration, the rules file it loads and the Grafana dashboards into dir:
 * what an operator points Prometheus and Grafana at, or what `consortia monitoring run` runs.
 */
export function writeMonitoringFiles(
  topology: Topology,
  dir: string,
  options: Omit<ScrapeOptions, 'ruleFiles'> = {},
): MonitoringFiles {
  fs.mkdirSync(path.join(dir, 'dashboards'), { recursive: true });
  const rules = path.join(dir, RULES_FILE);
  fs.writeFileSync(rules, rulesYaml());
  const config = path.join(dir, CONFIG_FILE);
  const content = scrapeConfig(topology, { ruleFiles: [RULES_FILE], ...options });
  fs.writeFileSync(config, YAML.stringify(content, { lineWidth: 0 }));
  const dashboards = DASHBOARDS.map((spec) => {
    const file = path.join(dir, 'dashboards', `${spec.uid}.json`);
    fs.writeFileSync(file, dashboardJson(spec.uid));
    return file;
  });
  return { config, rules, dashboards };
}
