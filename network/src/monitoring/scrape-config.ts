// SPDX-License-Identifier: Apache-2.0
import { ORG_SERVICES, orgServiceName, recordedOrgServices } from '../membership/org-services';
import { readManifest } from '../state/manifest';
import type { LocalServiceName, Topology } from '../topology/topology';
import { HOST, LOCAL_SERVICES, servicePorts } from '../topology/topology';

/**
 * Ports of the monitoring processes beside a local network, after the services' block
 * (P+1100..P+1112): the Consortia exporter and Prometheus.
 */
export function monitoringPorts(topology: Topology): { exporter: number; prometheus: number } {
  const base = topology.options.basePort;
  return { exporter: base + 1120, prometheus: base + 1121 };
}

/** One service process's HTTP endpoint (it answers /metrics and /readyz). */
export interface ServiceEndpoint {
  /** The scrape job: the service's name, shared by every org's instance of it. */
  job: LocalServiceName;
  /** The process: dapp, or dapp.org3 for an org that joined with its own services. */
  node: string;
  /** The MSP id of a joined org whose own service it is. */
  org?: string;
  port: number;
}

/**
 * The services' endpoints: the first org's four, then each joined org's own DAPP and datasync as
 * network.json records them (`org add --services`), so they are scraped and probed alike.
 */
export function serviceEndpoints(topology: Topology): ServiceEndpoint[] {
  const ports = servicePorts(topology);
  const first = LOCAL_SERVICES.map((service) => ({
    job: service,
    node: service,
    port: ports[service].http,
  }));
  const manifest = readManifest(topology.paths.manifest);
  const joined = manifest
    ? recordedOrgServices(topology, manifest).flatMap(({ org, record }) =>
        ORG_SERVICES.map((service) => ({
          job: service,
          node: orgServiceName(org, service),
          org: org.mspId,
          port: record.ports[service].http,
        })),
      )
    : [];
  return [...first, ...joined];
}

/** Job names shared by the local configuration, the charts' monitors, the rules and dashboards. */
export const JOBS = {
  peer: 'fabric-peer',
  orderer: 'fabric-orderer',
  exporter: 'consortia-exporter',
} as const;

interface StaticConfig {
  targets: string[];
  labels: Record<string, string>;
}

export interface ScrapeJob {
  job_name: string;
  metrics_path: string;
  static_configs: StaticConfig[];
}

export interface PrometheusConfig {
  global: {
    scrape_interval: string;
    evaluation_interval: string;
    external_labels: Record<string, string>;
  };
  rule_files: string[];
  scrape_configs: ScrapeJob[];
}

export interface ScrapeOptions {
  /** Rule files Prometheus loads, relative to the configuration file or absolute. */
  ruleFiles: readonly string[];
  /** Where the Consortia exporter listens; its default port beside the network otherwise. */
  exporterPort?: number;
  scrapeIntervalSeconds?: number;
}

/**
 * Prometheus's configuration for a local network: every peer's and orderer's operations endpoint
 * (Fabric's own metrics), the four services' /metrics, and the Consortia exporter, which reports
 * what no process exports by itself: certificate expiry, Kafka's partitions and each process's
 * readiness. Kafka serves its metrics over JMX only, so its figures come through the exporter.
 */
export function scrapeConfig(topology: Topology, options: ScrapeOptions): PrometheusConfig {
  const interval = `${options.scrapeIntervalSeconds ?? 15}s`;
  const endpoints = serviceEndpoints(topology);
  const jobs: ScrapeJob[] = [
    {
      job_name: JOBS.peer,
      metrics_path: '/metrics',
      static_configs: topology.orgs.flatMap((org) =>
        org.peers.map((peer) => ({
          targets: [`${HOST}:${peer.operationsPort}`],
          labels: { org: org.mspId, node: peer.name },
        })),
      ),
    },
    {
      job_name: JOBS.orderer,
      metrics_path: '/metrics',
      static_configs: topology.orderers.map((orderer) => ({
        targets: [`${HOST}:${orderer.operationsPort}`],
        labels: { org: 'OrdererMSP', node: orderer.name },
      })),
    },
    ...LOCAL_SERVICES.map((service) => ({
      job_name: service,
      metrics_path: '/metrics',
      static_configs: endpoints
        .filter((endpoint) => endpoint.job === service)
        .map(({ node, org, port }) => ({
          targets: [`${HOST}:${port}`],
          labels: { node, ...(org ? { org } : {}) },
        })),
    })),
    {
      job_name: JOBS.exporter,
      metrics_path: '/metrics',
      static_configs: [
        {
          targets: [`${HOST}:${options.exporterPort ?? monitoringPorts(topology).exporter}`],
          labels: { node: JOBS.exporter },
        },
      ],
    },
  ];
  return {
    global: {
      scrape_interval: interval,
      evaluation_interval: interval,
      external_labels: { consortium: topology.options.channel },
    },
    rule_files: [...options.ruleFiles],
    scrape_configs: jobs,
  };
}
