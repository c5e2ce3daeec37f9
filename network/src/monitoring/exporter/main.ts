// SPDX-License-Identifier: Apache-2.0
/**
 * The Consortia exporter as the charts run it (`node network/dist/monitoring/exporter/main.js`
 * in the network image), configured by EXPORTER_* variables (see cluster.ts).
 */
import { clusterExporterConfig } from './cluster';
import { startExporter } from './server';

async function main(): Promise<void> {
  const config = clusterExporterConfig();
  const exporter = await startExporter(config.sources, config);
  console.log(JSON.stringify({ msg: 'exporter serving', url: exporter.url }));
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, resolve);
  });
  await exporter.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
