// SPDX-License-Identifier: Apache-2.0
/*
 * The test cluster runs no kubelet or controllers: these stand in for the Deployment,
 * StatefulSet and Job controllers by writing the status subresources they would.
 */
import * as k8s from '@kubernetes/client-node';

import { getCluster } from './fixture';

/**
 * Plays the Deployment and StatefulSet controllers (absent here): every workload in the
 * namespaces, except those `hold` names, gets a status saying all its replicas are ready.
 * Polling is fine for this stand-in; the code under test watches.
 */
export function markWorkloadsReady(
  namespaces: readonly string[],
  hold: (name: string) => boolean = () => false,
): () => Promise<void> {
  const apps = getCluster().admin.makeApiClient(k8s.AppsV1Api);
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const namespace of namespaces) {
        const [deployments, sets] = await Promise.all([
          apps.listNamespacedDeployment({ namespace }),
          apps.listNamespacedStatefulSet({ namespace }),
        ]).catch(() => [{ items: [] }, { items: [] }] as const);
        for (const deployment of deployments.items) {
          const name = deployment.metadata?.name ?? '';
          const replicas = deployment.spec?.replicas ?? 1;
          if (
            hold(name) ||
            deployment.status?.observedGeneration === deployment.metadata?.generation
          )
            continue;
          deployment.status = {
            observedGeneration: deployment.metadata?.generation,
            replicas,
            updatedReplicas: replicas,
            readyReplicas: replicas,
            availableReplicas: replicas,
            conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }],
          };
          await apps
            .replaceNamespacedDeploymentStatus({ name, namespace, body: deployment })
            .catch(() => undefined);
        }
        for (const set of sets.items) {
          const name = set.metadata?.name ?? '';
          const replicas = set.spec?.replicas ?? 1;
          if (hold(name) || set.status?.observedGeneration === set.metadata?.generation) continue;
          set.status = {
            observedGeneration: set.metadata?.generation,
            replicas,
            readyReplicas: replicas,
            currentReplicas: replicas,
            updatedReplicas: replicas,
            availableReplicas: replicas,
          };
          await apps
            .replaceNamespacedStatefulSetStatus({ name, namespace, body: set })
            .catch(() => undefined);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

/** Plays the Job controller for the next Job created in the namespace: completes or fails it. */
export async function finishNextJob(
  namespace: string,
  outcome: 'Complete' | 'Failed',
): Promise<k8s.V1Job> {
  const batch = getCluster().admin.makeApiClient(k8s.BatchV1Api);
  for (let attempt = 0; attempt < 100; attempt++) {
    const job = (await batch.listNamespacedJob({ namespace })).items.find(
      (item) => !item.status?.conditions,
    );
    if (job?.metadata?.name) {
      const now = new Date();
      const condition = (type: string) => ({
        type,
        status: 'True',
        lastTransitionTime: now,
        lastProbeTime: now,
      });
      job.status =
        outcome === 'Complete'
          ? {
              startTime: now,
              completionTime: now,
              succeeded: 1,
              conditions: [condition('SuccessCriteriaMet'), condition('Complete')],
            }
          : {
              startTime: now,
              failed: 1,
              conditions: [
                { ...condition('FailureTarget'), reason: 'BackoffLimitExceeded' },
                { ...condition('Failed'), reason: 'BackoffLimitExceeded' },
              ],
            };
      await batch.replaceNamespacedJobStatus({ name: job.metadata.name, namespace, body: job });
      return job;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no Job was created');
}
