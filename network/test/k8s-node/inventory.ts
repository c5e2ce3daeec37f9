// SPDX-License-Identifier: Apache-2.0
/*
 * What the cluster holds, as the deploy suite checks it: the scrape endpoints the charts declare
 * and the objects left in the namespaces after `helm uninstall`.
 */
import * as k8s from '@kubernetes/client-node';

export interface ScrapeTarget {
  service: string;
  url: string;
}

/**
 * Every pod address behind a Service annotated prometheus.io/scrape, with its port and path:
 * what Prometheus' kubernetes-service-endpoints job scrapes.
 */
export async function scrapeTargets(core: k8s.CoreV1Api): Promise<{
  targets: ScrapeTarget[];
  empty: string[];
}> {
  const targets: ScrapeTarget[] = [];
  const empty: string[] = [];
  for (const service of (await core.listServiceForAllNamespaces()).items) {
    const annotations = service.metadata?.annotations ?? {};
    if (annotations['prometheus.io/scrape'] !== 'true') continue;
    const name = `${service.metadata?.namespace}/${service.metadata?.name}`;
    const endpoints = await core.readNamespacedEndpoints({
      name: service.metadata?.name ?? '',
      namespace: service.metadata?.namespace ?? '',
    });
    const port = annotations['prometheus.io/port'] ?? String(service.spec?.ports?.[0]?.port);
    const scrapePath = annotations['prometheus.io/path'] ?? '/metrics';
    const addresses = (endpoints.subsets ?? []).flatMap((subset) => subset.addresses ?? []);
    if (addresses.length === 0) empty.push(name);
    for (const address of addresses) {
      targets.push({ service: name, url: `http://${address.ip}:${port}${scrapePath}` });
    }
  }
  return { targets, empty };
}

/** One object: kind, namespace/name, and whether helm made it. */
export interface Leftover {
  kind: string;
  name: string;
  helm: boolean;
}

interface Listed {
  items: { metadata?: k8s.V1ObjectMeta }[];
}

/** Everything namespaced that a chart or an operator step could have created in the namespaces. */
export async function namespaceObjects(
  admin: k8s.KubeConfig,
  namespaces: readonly string[],
): Promise<Leftover[]> {
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const apps = admin.makeApiClient(k8s.AppsV1Api);
  const batch = admin.makeApiClient(k8s.BatchV1Api);
  const networking = admin.makeApiClient(k8s.NetworkingV1Api);
  const policy = admin.makeApiClient(k8s.PolicyV1Api);
  const autoscaling = admin.makeApiClient(k8s.AutoscalingV2Api);
  const rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
  const kinds: Record<string, (namespace: string) => Promise<Listed>> = {
    Pod: (namespace) => core.listNamespacedPod({ namespace }),
    Service: (namespace) => core.listNamespacedService({ namespace }),
    ConfigMap: (namespace) => core.listNamespacedConfigMap({ namespace }),
    Secret: (namespace) => core.listNamespacedSecret({ namespace }),
    ServiceAccount: (namespace) => core.listNamespacedServiceAccount({ namespace }),
    PersistentVolumeClaim: (namespace) => core.listNamespacedPersistentVolumeClaim({ namespace }),
    Deployment: (namespace) => apps.listNamespacedDeployment({ namespace }),
    StatefulSet: (namespace) => apps.listNamespacedStatefulSet({ namespace }),
    ReplicaSet: (namespace) => apps.listNamespacedReplicaSet({ namespace }),
    Job: (namespace) => batch.listNamespacedJob({ namespace }),
    NetworkPolicy: (namespace) => networking.listNamespacedNetworkPolicy({ namespace }),
    Ingress: (namespace) => networking.listNamespacedIngress({ namespace }),
    PodDisruptionBudget: (namespace) => policy.listNamespacedPodDisruptionBudget({ namespace }),
    HorizontalPodAutoscaler: (namespace) =>
      autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace }),
    Role: (namespace) => rbac.listNamespacedRole({ namespace }),
    RoleBinding: (namespace) => rbac.listNamespacedRoleBinding({ namespace }),
  };
  const objects: Leftover[] = [];
  for (const namespace of namespaces) {
    for (const [kind, list] of Object.entries(kinds)) {
      for (const item of (await list(namespace)).items) {
        const name = item.metadata?.name ?? '?';
        // Kubernetes puts these in every namespace itself
        if (kind === 'ConfigMap' && name === 'kube-root-ca.crt') continue;
        if (kind === 'ServiceAccount' && name === 'default') continue;
        objects.push({
          kind,
          name: `${namespace}/${name}`,
          helm: item.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'Helm',
        });
      }
    }
  }
  return objects;
}
