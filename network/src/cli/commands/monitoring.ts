// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import type { Command } from 'commander';

import { UserError } from '../../errors';
import { consortiaHome } from '../../install';
import { writeChartMonitoringFiles } from '../../monitoring/chart-files';
import { monitoringDir, writeMonitoringFiles } from '../../monitoring/files';
import { localSources, startExporter } from '../../monitoring/exporter/server';
import { promtool } from '../../monitoring/promtool';
import { runMonitoring, stopMonitoring } from '../../monitoring/run';
import { monitoringPorts } from '../../monitoring/scrape-config';
import { loadNetwork } from '../../operations/status';
import { REPOSITORY_ROOT } from '../../repository';
import { progress } from '../output';
import { addStateDir, stateDirOf } from './network';

interface MonitoringFlags {
  stateDir?: string;
  out?: string;
  port?: string;
  exporterPort?: string;
  check?: boolean;
  scrapeInterval?: string;
}

function secondsOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1)
    throw new UserError(`--scrape-interval must be a whole number of seconds, not '${value}'`);
  return seconds;
}

function portOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new UserError(`a port is a number from 1 to 65535, not '${value}'`);
  return port;
}

/**
 * `consortia monitoring`: the scrape configuration, alert rules and Grafana dashboards for a local
 * network, the exporter for what no process reports by itself, and Prometheus run against them.
 */
export function registerMonitoring(program: Command): void {
  const monitoring = program
    .command('monitoring')
    .description('Prometheus configuration, alert rules and Grafana dashboards for the network');

  addStateDir(
    monitoring
      .command('config')
      .description('write prometheus.yml, the alert rules and the dashboards for the local network')
      .option('--out <dir>', 'where to write them (default: <state dir>/monitoring)')
      .option('--exporter-port <port>', 'where the Consortia exporter listens')
      .option('--scrape-interval <seconds>', 'how often Prometheus scrapes (default: 15)')
      .option('--check', 'check the files with promtool (needs `consortia install prometheus`)'),
  ).action(async (flags: MonitoringFlags) => {
    const { topology } = loadNetwork(stateDirOf(flags));
    const files = writeMonitoringFiles(topology, flags.out ?? monitoringDir(topology), {
      exporterPort: portOf(flags.exporterPort),
      scrapeIntervalSeconds: secondsOf(flags.scrapeInterval),
    });
    if (flags.check) progress(await promtool(consortiaHome(), 'config', [files.config]));
    console.log(`Prometheus configuration: ${files.config}`);
    console.log(`alert rules:              ${files.rules}`);
    console.log(
      `Grafana dashboards:       ${files.dashboards.length} in ${String(files.dashboards[0])}…`,
    );
  });

  addStateDir(
    monitoring
      .command('run')
      .description(
        'run the exporter and Prometheus against the local network (stopped by `consortia down`)',
      )
      .option(
        '--out <dir>',
        'where the files and Prometheus data go (default: <state dir>/monitoring)',
      )
      .option('--port <port>', "Prometheus's port (default: the network's base port + 1121)")
      .option('--exporter-port <port>', "the exporter's port (default: base port + 1120)")
      .option('--scrape-interval <seconds>', 'how often Prometheus scrapes (default: 15)'),
  ).action(async (flags: MonitoringFlags) => {
    const { topology } = loadNetwork(stateDirOf(flags));
    const started = await runMonitoring(consortiaHome(), topology, {
      dir: flags.out ?? monitoringDir(topology),
      prometheusPort: portOf(flags.port),
      exporterPort: portOf(flags.exporterPort),
      scrapeIntervalSeconds: secondsOf(flags.scrapeInterval),
    });
    console.log(`Prometheus: ${started.prometheusUrl} (HTTP API; e.g. /api/v1/alerts)`);
    console.log(`exporter:   ${started.exporterUrl}`);
    console.log(
      `dashboards: import the JSON files in ${String(started.files.dashboards[0])}… into Grafana`,
    );
  });

  addStateDir(
    monitoring.command('stop').description('stop the exporter and Prometheus of the local network'),
  ).action(async (flags: MonitoringFlags) => {
    await stopMonitoring(loadNetwork(stateDirOf(flags)).topology);
  });

  monitoring
    .command('charts')
    .description("write the rules and dashboards the Helm charts ship into each chart's files/")
    .option('--charts <dir>', "the charts directory (default: the repository's charts/)")
    .action((flags: { charts?: string }) => {
      const written = writeChartMonitoringFiles(
        flags.charts ?? path.join(REPOSITORY_ROOT, 'charts'),
      );
      for (const file of written) console.log(file);
    });

  addStateDir(
    monitoring
      .command('exporter')
      .description(
        'serve certificate expiry, Kafka partitions and readiness of the network on /metrics',
      )
      .option('--port <port>', 'port to listen on (default: base port + 1120)'),
  ).action(async (flags: MonitoringFlags) => {
    const { topology } = loadNetwork(stateDirOf(flags));
    const exporter = await startExporter(localSources(topology), {
      port: portOf(flags.port) ?? monitoringPorts(topology).exporter,
    });
    progress(`exporter serving ${exporter.url}`);
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, resolve);
    });
    await exporter.close();
  });
}
