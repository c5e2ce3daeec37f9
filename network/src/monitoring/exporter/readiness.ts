// SPDX-License-Identifier: Apache-2.0
import type { Topology } from '../../topology/topology';
import { HOST, ordererHealthPath } from '../../topology/topology';
import { serviceEndpoints } from '../scrape-config';
import type { Gauge } from './text-format';

export interface Probe {
  process: string;
  url: string;
}

/**
 * What tells each process of a local network is ready: the services' /readyz (their
 * dependencies answer), the peers' /healthz, and the orderers' health path.
 */
export function readinessProbes(topology: Topology): Probe[] {
  return [
    ...topology.orgs.flatMap((org) =>
      org.peers.map((peer) => ({
        process: peer.name,
        url: `http://${HOST}:${peer.operationsPort}/healthz`,
      })),
    ),
    ...topology.orderers.map((orderer) => ({
      process: orderer.name,
      url: `http://${HOST}:${orderer.operationsPort}${ordererHealthPath(topology)}`,
    })),
    ...serviceEndpoints(topology).map(({ node, port }) => ({
      process: node,
      url: `http://${HOST}:${port}/readyz`,
    })),
  ];
}

async function ready(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** 1 for each process whose probe answers 2xx, 0 otherwise (down counts as not ready). */
export async function readinessGauge(probes: readonly Probe[], timeoutMs = 2000): Promise<Gauge> {
  const results = await Promise.all(probes.map((probe) => ready(probe.url, timeoutMs)));
  return {
    name: 'consortia_process_ready',
    help: "1 when the process's readiness check answers, 0 when it fails or the process is down",
    samples: probes.map((probe, index) => ({
      labels: { process: probe.process },
      value: results[index] ? 1 : 0,
    })),
  };
}
