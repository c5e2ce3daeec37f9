// SPDX-License-Identifier: Apache-2.0
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { caOrgs } from '../../ca/layout';
import type { Topology } from '../../topology/topology';
import { HOST } from '../../topology/topology';
import type { CertificateInfo } from './certificates';
import { certificateGauge, scanCertificates } from './certificates';
import { kafkaGauges, readKafka } from './kafka';
import { readinessGauge, readinessProbes } from './readiness';
import type { Probe } from './readiness';
import type { Gauge } from './text-format';
import { formatGauges } from './text-format';

export interface Exporter {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** What the exporter reads: a local network's files and ports, or what a chart mounts and names. */
export interface ExporterSources {
  certificates: () => CertificateInfo[];
  probes: readonly Probe[];
  /** Kafka's bootstrap brokers (host:port); none where the network has no Kafka. */
  kafkaBrokers: readonly string[];
}

/** A local network's sources: its crypto directory and CAs, its processes, its Kafka broker. */
export function localSources(topology: Topology): ExporterSources {
  const kafka = topology.kafka;
  return {
    certificates: () => scanCertificates(topology.paths.crypto, caOrgs(topology)),
    probes: readinessProbes(topology),
    kafkaBrokers: kafka ? [`${HOST}:${kafka.port}`] : [],
  };
}

/**
 * Collects everything on each scrape. A source that fails is reported by
 * consortia_exporter_source_up rather than failing the scrape, so its other figures still arrive.
 */
export async function collect(from: ExporterSources): Promise<Gauge[]> {
  const sources: { name: string; read: () => Promise<Gauge[]> }[] = [
    { name: 'certificates', read: async () => [certificateGauge(from.certificates())] },
  ];
  if (from.probes.length > 0) {
    sources.push({ name: 'readiness', read: async () => [await readinessGauge(from.probes)] });
  }
  if (from.kafkaBrokers.length > 0) {
    sources.push({
      name: 'kafka',
      read: async () => kafkaGauges(await readKafka(from.kafkaBrokers)),
    });
  }
  const results = await Promise.allSettled(sources.map((source) => source.read()));
  const gauges = results.flatMap((result) => (result.status === 'fulfilled' ? result.value : []));
  gauges.push({
    name: 'consortia_exporter_source_up',
    help: 'Whether the exporter could read each of its sources on this scrape',
    samples: sources.map((source, index) => ({
      labels: { source: source.name },
      value: results[index]?.status === 'fulfilled' ? 1 : 0,
    })),
  });
  return gauges;
}

/**
 * The Consortia exporter: /metrics with the network's certificate expiry, Kafka's partitions and
 * every process's readiness, for Prometheus to scrape beside Fabric's and the services' own.
 */
export async function startExporter(
  sources: ExporterSources,
  options: { port: number; host?: string; refreshMs?: number },
): Promise<Exporter> {
  // Reading Kafka and probing every process takes longer than a short scrape timeout allows, so
  // a scrape gets the last figures at once while fresher ones are read behind it.
  const refreshMs = options.refreshMs ?? 2000;
  let latest: { text: string; at: number } | undefined;
  let reading: Promise<{ text: string; at: number }> | undefined;
  const refresh = () => {
    reading ??= collect(sources)
      .then((gauges) => (latest = { text: formatGauges(gauges), at: Date.now() }))
      .finally(() => (reading = undefined));
    return reading;
  };
  const figures = async (): Promise<string> => {
    if (!latest) return (await refresh()).text;
    if (Date.now() - latest.at > refreshMs) refresh().catch(() => undefined);
    return latest.text;
  };
  const server = http.createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(request.url === '/healthz' ? 200 : 404).end();
      return;
    }
    figures().then(
      (text) => {
        response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        response.end(text);
      },
      (error: unknown) => {
        response.writeHead(500).end(String(error));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? HOST, resolve);
  });
  // the first scrape finds figures ready
  refresh().catch(() => undefined);
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${options.host ?? HOST}:${port}/metrics`,
    close: async () => {
      await reading?.catch(() => undefined);
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
