// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import { UserError } from '../errors';
import { prometheusBinary, prometheusComponent } from '../install/prometheus';
import { ensureRunning } from '../process/daemon';
import type { PidRecord } from '../process/supervisor';
import { stopDaemon } from '../process/supervisor';
import { httpOk } from '../process/wait';
import { REPOSITORY_ROOT } from '../repository';
import type { Topology } from '../topology/topology';
import { HOST } from '../topology/topology';
import type { MonitoringFiles } from './files';
import { writeMonitoringFiles } from './files';
import { monitoringPorts } from './scrape-config';

export const EXPORTER_PROCESS = 'monitoring-exporter';
export const PROMETHEUS_PROCESS = 'prometheus';

export interface MonitoringRun {
  files: MonitoringFiles;
  prometheusUrl: string;
  exporterUrl: string;
  started: PidRecord[];
}

/**
 * Runs the Consortia exporter and Prometheus beside a local network, as processes of that network
 * (its run directory), so `consortia down` stops them with the rest. Prometheus keeps its data
 * under dir/data, and the files written to dir are the ones it loads.
 */
export async function runMonitoring(
  home: string,
  topology: Topology,
  options: {
    dir: string;
    prometheusPort?: number;
    exporterPort?: number;
    scrapeIntervalSeconds?: number;
  },
): Promise<MonitoringRun> {
  if (!prometheusComponent.isInstalled(home)) {
    throw new UserError(
      'Prometheus is not installed',
      'run `consortia install prometheus` (it builds Prometheus from its Go module)',
    );
  }
  const defaults = monitoringPorts(topology);
  const exporterPort = options.exporterPort ?? defaults.exporter;
  const prometheusPort = options.prometheusPort ?? defaults.prometheus;
  const files = writeMonitoringFiles(topology, options.dir, {
    exporterPort,
    scrapeIntervalSeconds: options.scrapeIntervalSeconds,
  });
  const { run, logs } = topology.paths;
  const started: PidRecord[] = [];
  // one started earlier with other ports or files is replaced
  const sameArgs = (args: string[]) => (running: PidRecord) =>
    JSON.stringify(running.args) === JSON.stringify(args);
  const exporterUrl = `http://${HOST}:${exporterPort}/metrics`;
  const exporterArgs = [
    path.join(REPOSITORY_ROOT, 'network', 'bin', 'consortia.js'),
    'monitoring',
    'exporter',
    '--state-dir',
    topology.options.stateDir,
    '--port',
    String(exporterPort),
  ];
  await ensureRunning({
    spec: {
      name: EXPORTER_PROCESS,
      command: process.execPath,
      args: exporterArgs,
      runDir: run,
      logDir: logs,
    },
    reuse: sameArgs(exporterArgs),
    description: `the Consortia exporter on ${exporterUrl}`,
    ready: () => httpOk(`http://${HOST}:${exporterPort}/healthz`),
    // the CLI loads all its commands first: on a busy machine that alone takes tens of seconds
    timeoutMs: 90_000,
    started,
  });
  const prometheusUrl = `http://${HOST}:${prometheusPort}`;
  const prometheusArgs = [
    `--config.file=${files.config}`,
    `--storage.tsdb.path=${path.join(options.dir, 'data')}`,
    `--web.listen-address=${HOST}:${prometheusPort}`,
    // lets a later run make a running Prometheus read its files again (/-/reload)
    '--web.enable-lifecycle',
  ];
  await ensureRunning({
    spec: {
      name: PROMETHEUS_PROCESS,
      command: prometheusBinary(home, 'prometheus'),
      args: prometheusArgs,
      runDir: run,
      logDir: logs,
    },
    reuse: sameArgs(prometheusArgs),
    description: `Prometheus on ${prometheusUrl}`,
    ready: () => httpOk(`${prometheusUrl}/-/ready`),
    timeoutMs: 60_000,
    started,
  });
  // a Prometheus kept from an earlier run reads the files just written
  await fetch(`${prometheusUrl}/-/reload`, { method: 'POST' }).catch(() => undefined);
  return { files, prometheusUrl, exporterUrl, started };
}

export async function stopMonitoring(topology: Topology): Promise<void> {
  await stopDaemon(topology.paths.run, PROMETHEUS_PROCESS);
  await stopDaemon(topology.paths.run, EXPORTER_PROCESS);
}
