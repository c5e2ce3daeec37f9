// SPDX-License-Identifier: Apache-2.0
import { env, loadConfig } from '@consortia/common';
import { z } from 'zod';

import type { CertificateDir } from './certificates';
import { scanCertificateDirs } from './certificates';
import type { Probe } from './readiness';
import type { ExporterSources } from './server';

const PROBE = /^([^=]+)=(https?:\/\/.+)$/;
const CERTIFICATES = /^(peer|orderer|user):(sign|tls):([^=]+)=(.+)$/;

/**
 * The exporter's settings in a cluster, where the charts name what it reads instead of a local
 * network's state directory. Lists are comma-separated:
 * - EXPORTER_KAFKA_BROKERS: host:port of Kafka's brokers;
 * - EXPORTER_PROBES: `process=url` readiness endpoints (2xx is ready);
 * - EXPORTER_CERTIFICATES: `kind:usage:org=dir`, directories of mounted certificates.
 */
const schema = z.object({
  EXPORTER_PORT: env.listenPort(9100),
  EXPORTER_HOST: z.string().default('0.0.0.0'),
  EXPORTER_REFRESH_MS: env.positiveInt(15_000),
  EXPORTER_KAFKA_BROKERS: env.list(),
  EXPORTER_PROBES: env
    .list()
    .refine((items) => items.every((item) => PROBE.test(item)), 'expected process=http(s)://…'),
  EXPORTER_CERTIFICATES: env
    .list()
    .refine(
      (items) => items.every((item) => CERTIFICATES.test(item)),
      'expected peer|orderer|user:sign|tls:<org>=<dir>',
    ),
});

export interface ClusterExporterConfig {
  port: number;
  host: string;
  refreshMs: number;
  sources: ExporterSources;
}

export function clusterExporterConfig(
  variables: NodeJS.ProcessEnv = process.env,
): ClusterExporterConfig {
  const config = loadConfig('consortia-exporter', schema, variables);
  const probes: Probe[] = config.EXPORTER_PROBES.map((item) => {
    const [, process = '', url = ''] = PROBE.exec(item) ?? [];
    return { process, url };
  });
  const dirs: CertificateDir[] = config.EXPORTER_CERTIFICATES.map((item) => {
    const [, kind, usage, org = '', dir = ''] = CERTIFICATES.exec(item) ?? [];
    return {
      kind: kind as CertificateDir['kind'],
      usage: usage as CertificateDir['usage'],
      org,
      dir,
    };
  });
  return {
    port: config.EXPORTER_PORT,
    host: config.EXPORTER_HOST,
    refreshMs: config.EXPORTER_REFRESH_MS,
    sources: {
      certificates: () => scanCertificateDirs(dirs),
      probes,
      kafkaBrokers: config.EXPORTER_KAFKA_BROKERS,
    },
  };
}
