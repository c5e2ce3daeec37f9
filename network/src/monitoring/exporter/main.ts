// SPDX-License-Identifier: Apache-2.0
/**
 * The Consortia exporter as the charts run it (`node network/dist/monitoring/exporter/main.js`
 * in the network image), configured by EXPORTER_* variables (see cluster.ts).
 */
import { runMain } from '@consortia/common';

import { clusterExporterConfig } from './cluster';
import { startExporter } from './server';

async function main(): Promise<number> {
  const config = clusterExporterConfig();
  const exporter = await startExporter(config.sources, config);
  console.log(JSON.stringify({ msg: 'exporter serving', url: exporter.url }));
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, resolve);
  });
  await exporter.close();
  return 0;
}

void runMain(main);
