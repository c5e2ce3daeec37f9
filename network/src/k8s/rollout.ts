// SPDX-License-Identifier: Apache-2.0
import type { V1Deployment, V1StatefulSet } from '@kubernetes/client-node';

import type { KubeClients } from './client';
import { apiFailure, httpStatus } from './client';

export type WorkloadKind = 'Deployment' | 'StatefulSet';

export interface Workload {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  ready: boolean;
  /** e.g. "1/3 available" */
  summary: string;
  /** matchLabels of the pod selector, to find its pods. */
  selector: Record<string, string>;
}

function replicasOf(spec: { replicas?: number } | undefined): number {
  return spec?.replicas ?? 1;
}

/** What a Deployment and a StatefulSet share: where it is, its pods, its rollout observed. */
function workloadOf(
  kind: WorkloadKind,
  object: V1Deployment | V1StatefulSet,
  /** Whether its pods are ready and updated, and how many, by the kind's own rule. */
  { ready, summary }: { ready: boolean; summary: string },
): Workload {
  const observed = (object.status?.observedGeneration ?? 0) >= (object.metadata?.generation ?? 1);
  return {
    kind,
    namespace: object.metadata?.namespace ?? '',
    name: object.metadata?.name ?? '',
    ready: observed && ready,
    summary: `${summary}${observed ? '' : ', rollout not observed yet'}`,
    selector: object.spec?.selector.matchLabels ?? {},
  };
}

/** Available as `kubectl rollout status` means it: the new generation is observed and serving. */
export function deploymentState(deployment: V1Deployment): Workload {
  const wanted = replicasOf(deployment.spec);
  const available = deployment.status?.availableReplicas ?? 0;
  const updated = deployment.status?.updatedReplicas ?? 0;
  return workloadOf('Deployment', deployment, {
    ready: updated >= wanted && available >= wanted,
    summary: `${available}/${wanted} available`,
  });
}

export function statefulSetState(set: V1StatefulSet): Workload {
  const wanted = replicasOf(set.spec);
  const ready = set.status?.readyReplicas ?? 0;
  const onDelete = set.spec?.updateStrategy?.type === 'OnDelete';
  const updated = onDelete ? wanted : (set.status?.updatedReplicas ?? 0);
  return workloadOf('StatefulSet', set, {
    ready: ready >= wanted && updated >= wanted,
    summary: `${ready}/${wanted} ready`,
  });
}

export interface RolloutTarget {
  namespace: string;
  /** Label selector of the release's objects, e.g. app.kubernetes.io/instance=org1-blockchain. */
  labelSelector: string;
}

export interface RolloutOptions {
  timeoutMs: number;
  /** Called when a workload's state changes. */
  onChange?: (workload: Workload) => void;
}

export interface RolloutResult {
  ready: boolean;
  workloads: Workload[];
}

const RESOURCES: readonly { kind: WorkloadKind; plural: string }[] = [
  { kind: 'Deployment', plural: 'deployments' },
  { kind: 'StatefulSet', plural: 'statefulsets' },
];

function keyOf(kind: WorkloadKind, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

function stateOf(kind: WorkloadKind, object: unknown): Workload {
  return kind === 'Deployment'
    ? deploymentState(object as V1Deployment)
    : statefulSetState(object as V1StatefulSet);
}

/** The workloads of one kind a target selects, and the resourceVersion to watch them from. */
async function listWorkloads(
  clients: KubeClients,
  kind: WorkloadKind,
  target: RolloutTarget,
): Promise<{ workloads: Workload[]; resourceVersion: string }> {
  const request = { namespace: target.namespace, labelSelector: target.labelSelector };
  const list =
    kind === 'Deployment'
      ? await clients.apps.listNamespacedDeployment(request)
      : await clients.apps.listNamespacedStatefulSet(request);
  const items: (V1Deployment | V1StatefulSet)[] = list.items;
  return {
    workloads: items.map((item) => stateOf(kind, item)),
    resourceVersion: list.metadata?.resourceVersion ?? '',
  };
}

/**
 * Waits until every Deployment and StatefulSet of the targets is available, following the
 * API server's watch streams (listed first, then watched from that resourceVersion).
 */
export async function waitForRollout(
  clients: KubeClients,
  targets: readonly RolloutTarget[],
  options: RolloutOptions,
): Promise<RolloutResult> {
  const states = new Map<string, Workload>();
  const record = (workload: Workload) => {
    const key = keyOf(workload.kind, workload.namespace, workload.name);
    const before = states.get(key);
    states.set(key, workload);
    // eslint-disable-next-line @typescript-eslint/prefer-optional-chain -- a first sighting always counts as a change
    if (!before || before.summary !== workload.summary || before.ready !== workload.ready) {
      options.onChange?.(workload);
    }
  };
  const allReady = () => [...states.values()].every((workload) => workload.ready);

  const streams: { kind: WorkloadKind; target: RolloutTarget; resourceVersion: string }[] = [];
  for (const target of targets) {
    try {
      for (const { kind } of RESOURCES) {
        const listed = await listWorkloads(clients, kind, target);
        listed.workloads.forEach(record);
        streams.push({ kind, target, resourceVersion: listed.resourceVersion });
      }
    } catch (error) {
      throw apiFailure(`listing the workloads in ${target.namespace}`, error, clients);
    }
  }
  if (allReady()) return { ready: true, workloads: [...states.values()] };

  return new Promise<RolloutResult>((resolve, reject) => {
    const controllers: AbortController[] = [];
    let finished = false;
    const finish = (outcome: RolloutResult | Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      controllers.forEach((controller) => controller.abort());
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(
      () => finish({ ready: false, workloads: [...states.values()] }),
      options.timeoutMs,
    );

    const open = (stream: (typeof streams)[number]) => {
      const plural = RESOURCES.find((resource) => resource.kind === stream.kind)?.plural ?? '';
      const path = `/apis/apps/v1/namespaces/${stream.target.namespace}/${plural}`;
      clients.watch
        .watch(
          path,
          {
            labelSelector: stream.target.labelSelector,
            resourceVersion: stream.resourceVersion || undefined,
            allowWatchBookmarks: true,
          },
          (phase, object) => {
            const meta = (object as { metadata?: { resourceVersion?: string } }).metadata;
            if (meta?.resourceVersion) stream.resourceVersion = meta.resourceVersion;
            if (phase === 'BOOKMARK' || phase === 'ERROR') return;
            const workload = stateOf(stream.kind, object);
            if (phase === 'DELETED') {
              states.delete(keyOf(workload.kind, workload.namespace, workload.name));
            } else {
              record(workload);
            }
            if (allReady()) finish({ ready: true, workloads: [...states.values()] });
          },
          (error: unknown) => {
            if (finished) return;
            if (error && httpStatus(error) === 410) stream.resourceVersion = '';
            else if (error && (error as { name?: string }).name !== 'AbortError') {
              // a dropped stream is reopened; a refused one is reported
              const status = httpStatus(error);
              if (status === 401 || status === 403) {
                finish(apiFailure(`watching ${path}`, error, clients));
                return;
              }
            }
            // the server ends watches after a while; pick up where this one stopped
            setTimeout(() => !finished && open(stream), 200);
          },
        )
        .then(
          (controller) => {
            if (finished) controller.abort();
            else controllers.push(controller);
          },
          (error: unknown) => finish(apiFailure(`watching ${path}`, error, clients)),
        );
    };
    streams.forEach(open);
  });
}
