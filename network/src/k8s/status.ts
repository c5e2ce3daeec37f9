// SPDX-License-Identifier: Apache-2.0
import type { V1Service } from '@kubernetes/client-node';

import { formatTable } from '../cli/output';
import type { KubeClients } from './client';
import { apiFailure, apiMessage } from './client';
import type { HelmRunner } from './deploy';
import type { OrgLayout, ReleaseKind } from './naming';
import { targetKinds } from './preflight';
import type { Workload } from './rollout';
import { deploymentState, statefulSetState } from './rollout';

export interface ReleaseStatus {
  release: string;
  namespace: string;
  /** helm's status (deployed, failed, ...) or "not installed". */
  status: string;
  revision?: number;
  chart?: string;
  updated?: string;
}

export interface PodStatus {
  namespace: string;
  name: string;
  phase: string;
  ready: string;
  restarts: number;
}

export interface EndpointStatus {
  namespace: string;
  service: string;
  ready: number;
  notReady: number;
  ports: string[];
}

export interface PeerHealth {
  namespace: string;
  service: string;
  /** "OK", or what the operations endpoint (or the way to it) said. */
  health: string;
  healthy: boolean;
}

export interface OrgStatus {
  org: string;
  releases: ReleaseStatus[];
  workloads: Workload[];
  pods: PodStatus[];
  endpoints: EndpointStatus[];
  peers: PeerHealth[];
}

interface HelmListEntry {
  name: string;
  namespace: string;
  revision: string | number;
  updated: string;
  status: string;
  chart: string;
}

async function releaseStatus(
  helm: HelmRunner,
  release: string,
  namespace: string,
  clientsArgs: string[],
): Promise<ReleaseStatus> {
  try {
    const result = await helm([
      'list',
      '--namespace',
      namespace,
      '--all',
      '--output',
      'json',
      '--filter',
      `^${release}$`,
      ...clientsArgs,
    ]);
    if (result.code !== 0) {
      return {
        release,
        namespace,
        status: `unknown (${result.stderr.trim().split('\n').pop() ?? 'helm failed'})`,
      };
    }
    const entries = JSON.parse(result.stdout || '[]') as HelmListEntry[];
    const entry = entries.find((candidate) => candidate.name === release);
    if (!entry) return { release, namespace, status: 'not installed' };
    return {
      release,
      namespace,
      status: entry.status,
      revision: Number(entry.revision),
      chart: entry.chart,
      updated: entry.updated,
    };
  } catch (error) {
    return { release, namespace, status: `unknown (${apiMessage(error)})` };
  }
}

/** Peers are recognised by their component label; their operations port by name. */
export function isPeerService(service: V1Service): boolean {
  const labels = service.metadata?.labels ?? {};
  return (
    labels['app.kubernetes.io/component'] === 'peer' &&
    (service.spec?.ports ?? []).some((port) => port.name === 'operations') &&
    service.spec?.clusterIP !== 'None'
  );
}

async function peerHealth(clients: KubeClients, service: V1Service): Promise<PeerHealth> {
  const namespace = service.metadata?.namespace ?? '';
  const name = service.metadata?.name ?? '';
  const port = service.spec?.ports?.find((candidate) => candidate.name === 'operations');
  const scheme = port?.appProtocol === 'https' ? 'https:' : '';
  try {
    // through the API server's service proxy, so no port-forward or ingress is needed
    const body = await clients.core.connectGetNamespacedServiceProxyWithPath({
      namespace,
      name: `${scheme}${name}:operations`,
      path: 'healthz',
    });
    const parsed = (() => {
      try {
        return JSON.parse(body) as {
          status?: string;
          failed_checks?: { component: string; reason: string }[];
        };
      } catch {
        return { status: body.trim() };
      }
    })();
    const healthy = parsed.status === 'OK';
    const failed = parsed.failed_checks
      ?.map((check) => `${check.component}: ${check.reason}`)
      .join('; ');
    return {
      namespace,
      service: name,
      healthy,
      health: healthy ? 'OK' : (failed ?? parsed.status ?? 'unknown'),
    };
  } catch (error) {
    return {
      namespace,
      service: name,
      healthy: false,
      health: `unreachable: ${apiMessage(error)}`,
    };
  }
}

export async function orgStatus(
  clients: KubeClients,
  layout: OrgLayout,
  options: { ordering: boolean; helm: HelmRunner },
): Promise<OrgStatus> {
  const kinds: ReleaseKind[] = targetKinds(options.ordering);
  const helmTarget = [
    ...(clients.target.kubeconfig ? ['--kubeconfig', clients.target.kubeconfig] : []),
    ...(clients.target.context ? ['--kube-context', clients.target.context] : []),
  ];
  const status: OrgStatus = {
    org: layout.org,
    releases: [],
    workloads: [],
    pods: [],
    endpoints: [],
    peers: [],
  };
  for (const kind of kinds) {
    const release = layout.releases[kind];
    const namespace = layout.namespaces[kind];
    status.releases.push(await releaseStatus(options.helm, release, namespace, helmTarget));
    const labelSelector = `app.kubernetes.io/instance=${release}`;
    try {
      const [deployments, sets, pods, services] = await Promise.all([
        clients.apps.listNamespacedDeployment({ namespace, labelSelector }),
        clients.apps.listNamespacedStatefulSet({ namespace, labelSelector }),
        clients.core.listNamespacedPod({ namespace, labelSelector }),
        clients.core.listNamespacedService({ namespace, labelSelector }),
      ]);
      status.workloads.push(
        ...deployments.items.map(deploymentState),
        ...sets.items.map(statefulSetState),
      );
      for (const pod of pods.items) {
        const containers = pod.status?.containerStatuses ?? [];
        status.pods.push({
          namespace,
          name: pod.metadata?.name ?? '',
          phase: pod.status?.phase ?? 'Unknown',
          ready: `${containers.filter((container) => container.ready).length}/${pod.spec?.containers.length ?? containers.length}`,
          restarts: containers.reduce((sum, container) => sum + container.restartCount, 0),
        });
      }
      const slices = await clients.discovery.listNamespacedEndpointSlice({ namespace });
      for (const service of services.items) {
        const serviceName = service.metadata?.name ?? '';
        const own = slices.items.filter(
          (slice) => slice.metadata?.labels?.['kubernetes.io/service-name'] === serviceName,
        );
        const endpoints = own.flatMap((slice) => slice.endpoints);
        const ready = endpoints.filter((endpoint) => endpoint.conditions?.ready !== false).length;
        status.endpoints.push({
          namespace,
          service: serviceName,
          ready,
          notReady: endpoints.length - ready,
          ports: (service.spec?.ports ?? []).map((port) => `${port.name ?? ''}:${port.port}`),
        });
      }
      for (const service of services.items.filter(isPeerService)) {
        status.peers.push(await peerHealth(clients, service));
      }
    } catch (error) {
      throw apiFailure(`reading the objects of ${release} in ${namespace}`, error, clients);
    }
  }
  return status;
}

export function formatStatus(status: OrgStatus): string {
  const sections = [
    formatTable(
      ['release', 'namespace', 'status', 'revision', 'chart'],
      status.releases.map((release) => [
        release.release,
        release.namespace,
        release.status,
        String(release.revision ?? ''),
        release.chart ?? '',
      ]),
    ),
    formatTable(
      ['workload', 'namespace', 'ready'],
      status.workloads.map((workload) => [
        `${workload.kind.toLowerCase()}/${workload.name}`,
        workload.namespace,
        `${workload.ready ? 'yes' : 'no'} (${workload.summary})`,
      ]),
    ),
    formatTable(
      ['pod', 'namespace', 'phase', 'ready', 'restarts'],
      status.pods.map((pod) => [
        pod.name,
        pod.namespace,
        pod.phase,
        pod.ready,
        String(pod.restarts),
      ]),
    ),
    formatTable(
      ['service', 'namespace', 'endpoints', 'ports'],
      status.endpoints.map((endpoint) => [
        endpoint.service,
        endpoint.namespace,
        `${endpoint.ready} ready${endpoint.notReady ? `, ${endpoint.notReady} not ready` : ''}`,
        endpoint.ports.join(' '),
      ]),
    ),
    formatTable(
      ['peer', 'namespace', 'health'],
      status.peers.map((peer) => [peer.service, peer.namespace, peer.health]),
    ),
  ];
  return sections.join('\n\n');
}
