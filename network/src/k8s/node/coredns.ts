// SPDX-License-Identifier: Apache-2.0
import * as k8s from '@kubernetes/client-node';

import { NODE_IMAGES } from '../images/node-images';

const NAMESPACE = 'kube-system';
const NAME = 'coredns';

/**
 * Cluster DNS for the names the charts use (<svc>.<ns>.svc.cluster.local). No upstream resolver:
 * the node has no route to the machine's, and nothing in a test needs outside names.
 */
export function corefile(): string {
  return [
    '.:53 {',
    '    errors',
    '    health {',
    '        lameduck 5s',
    '    }',
    '    ready',
    '    kubernetes cluster.local in-addr.arpa ip6.arpa {',
    '        pods insecure',
    '        fallthrough in-addr.arpa ip6.arpa',
    '        ttl 30',
    '    }',
    '    cache 30',
    '    reload',
    '    loadbalance',
    '}',
    '',
  ].join('\n');
}

function ignoreExists(error: unknown): void {
  const code = (error as { code?: number }).code;
  if (code !== 409) throw error;
}

/** Creates CoreDNS's account, permissions, configuration, Deployment and the kube-dns Service. */
export async function deployCoreDns(admin: k8s.KubeConfig, dnsServiceIp: string): Promise<void> {
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
  const apps = admin.makeApiClient(k8s.AppsV1Api);
  const labels = { 'k8s-app': 'kube-dns' };
  await core
    .createNamespacedServiceAccount({ namespace: NAMESPACE, body: { metadata: { name: NAME } } })
    .catch(ignoreExists);
  await rbac
    .createClusterRole({
      body: {
        metadata: { name: 'system:coredns' },
        rules: [
          {
            apiGroups: [''],
            resources: ['endpoints', 'services', 'pods', 'namespaces'],
            verbs: ['list', 'watch'],
          },
          {
            apiGroups: ['discovery.k8s.io'],
            resources: ['endpointslices'],
            verbs: ['list', 'watch'],
          },
        ],
      },
    })
    .catch(ignoreExists);
  await rbac
    .createClusterRoleBinding({
      body: {
        metadata: { name: 'system:coredns' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'system:coredns',
        },
        subjects: [{ kind: 'ServiceAccount', name: NAME, namespace: NAMESPACE }],
      },
    })
    .catch(ignoreExists);
  await core
    .createNamespacedConfigMap({
      namespace: NAMESPACE,
      body: { metadata: { name: NAME }, data: { Corefile: corefile() } },
    })
    .catch(ignoreExists);
  await apps
    .createNamespacedDeployment({
      namespace: NAMESPACE,
      body: {
        metadata: { name: NAME, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: NAME,
              dnsPolicy: 'Default',
              priorityClassName: 'system-cluster-critical',
              containers: [
                {
                  name: NAME,
                  image: NODE_IMAGES.coredns,
                  imagePullPolicy: 'Never',
                  args: ['-conf', '/etc/coredns/Corefile'],
                  ports: [
                    { name: 'dns', containerPort: 53, protocol: 'UDP' },
                    { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                  ],
                  readinessProbe: { httpGet: { path: '/ready', port: 8181 }, periodSeconds: 2 },
                  livenessProbe: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 10 },
                  volumeMounts: [{ name: 'config', mountPath: '/etc/coredns', readOnly: true }],
                },
              ],
              volumes: [{ name: 'config', configMap: { name: NAME } }],
            },
          },
        },
      },
    })
    .catch(ignoreExists);
  await core
    .createNamespacedService({
      namespace: NAMESPACE,
      body: {
        metadata: { name: 'kube-dns', labels },
        spec: {
          selector: labels,
          clusterIP: dnsServiceIp,
          ports: [
            { name: 'dns', port: 53, protocol: 'UDP' },
            { name: 'dns-tcp', port: 53, protocol: 'TCP' },
          ],
        },
      },
    })
    .catch(ignoreExists);
}
