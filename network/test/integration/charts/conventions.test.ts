// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import type { KubeObject, SetValue } from '../../../src/charts/helm';
import { CHART_NAMES } from '../../../src/charts/helm';
import type { Container } from './support';
import type { Profile } from './support';
import {
  PROFILES,
  RELEASE,
  VARIANTS,
  componentOf,
  ofKind,
  podSpec,
  render,
  workloadSpec,
  workloads,
} from './support';

/** Every container of a workload with its owner, for messages that say where a rule broke. */
function containers(objects: readonly KubeObject[], withInit = true): [string, Container][] {
  return workloads(objects).flatMap((workload) => {
    const spec = podSpec(workload);
    return [...(withInit ? (spec.initContainers ?? []) : []), ...spec.containers].map(
      (container): [string, Container] => [
        `${workload.metadata.name}/${container.name}`,
        container,
      ],
    );
  });
}

/**
 * The paths a container's startup, liveness and readiness probes ask over HTTP. The DAPP, explorer
 * and app-api answer /healthz while alive and /readyz once their dependencies answer, so a pod
 * whose database is away leaves its Service without being restarted. datasync (no Service, and a
 * /readyz that waits for the channel to be joined) and the exporter (no /readyz) stay on /healthz,
 * as do Fabric's nodes, which have only /healthz; Kafka-ordered orderers are asked /version.
 */
function expectedProbePaths(container: string, set: Record<string, SetValue>): string[] {
  switch (container) {
    case 'dapp':
    case 'explorer':
    case 'app-api':
      return ['/healthz', '/healthz', '/readyz'];
    case 'datasync':
    case 'exporter':
    case 'peer':
    case 'ca':
      return ['/healthz', '/healthz', '/healthz'];
    case 'orderer':
      return Array<string>(3).fill(set.consensus === 'kafka' ? '/version' : '/healthz');
    case 'couchdb':
      return ['/_up', '/_up', '/_up'];
    default:
      return []; // TCP probes (chaincode, Kafka, ZooKeeper)
  }
}

describe('charts: conventions every rendered object keeps', () => {
  for (const chart of CHART_NAMES) {
    const cases: [string, Profile, Record<string, SetValue>][] = PROFILES.map((profile) => [
      `${profile} values`,
      profile,
      {},
    ]);
    for (const [name, set] of Object.entries(VARIANTS[chart])) cases.push([name, 'default', set]);

    for (const [name, profile, set] of cases) {
      describe(`${chart} with ${name}`, () => {
        let objects: KubeObject[];
        before(async () => {
          objects = await render(chart, profile, set);
        });

        it('labels every object with the standard Kubernetes and Consortia labels', () => {
          for (const object of objects) {
            const labels = object.metadata.labels ?? {};
            const where = `${object.kind} ${object.metadata.name}`;
            assert.equal(labels['app.kubernetes.io/name'], chart, where);
            assert.equal(labels['app.kubernetes.io/instance'], RELEASE, where);
            assert.equal(labels['app.kubernetes.io/part-of'], 'consortia', where);
            assert.equal(labels['app.kubernetes.io/managed-by'], 'Helm', where);
            assert.ok(labels['app.kubernetes.io/version'], `${where} has no version label`);
            assert.ok(labels['app.kubernetes.io/component'], `${where} has no component label`);
          }
        });

        it('renders no Secret: credentials come from Secrets the operator creates', () => {
          assert.deepEqual(ofKind(objects, 'Secret'), []);
        });

        it('gives every container resource requests and limits', () => {
          for (const [where, container] of containers(objects)) {
            assert.ok(container.resources?.requests?.cpu, `${where} has no CPU request`);
            assert.ok(container.resources?.requests?.memory, `${where} has no memory request`);
            assert.ok(container.resources?.limits?.memory, `${where} has no memory limit`);
          }
        });

        it('runs every container as non-root, without privilege escalation or capabilities', () => {
          for (const workload of workloads(objects)) {
            const pod = podSpec(workload).securityContext;
            assert.equal(pod?.runAsNonRoot, true, `${workload.metadata.name} pod may run as root`);
            assert.ok((pod?.runAsUser ?? 0) > 0, `${workload.metadata.name} has no non-root uid`);
          }
          for (const [where, container] of containers(objects)) {
            const security = container.securityContext;
            assert.equal(security?.runAsNonRoot, true, `${where} may run as root`);
            assert.equal(security?.allowPrivilegeEscalation, false, `${where} may escalate`);
            assert.deepEqual(security?.capabilities?.drop, ['ALL'], `${where} keeps capabilities`);
          }
        });

        it('keeps the root filesystem read-only except for CouchDB, which writes its config', () => {
          for (const [where, container] of containers(objects)) {
            if (container.name === 'couchdb') continue;
            assert.equal(container.securityContext?.readOnlyRootFilesystem, true, where);
            const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
            assert.ok(tmp, `${where} has no writable /tmp`);
          }
        });

        it('gives every long-running container startup, liveness and readiness probes', () => {
          // init containers run to completion before the pod starts; Kubernetes refuses probes on them
          for (const [where, container] of containers(objects, false)) {
            assert.ok(container.startupProbe, `${where} has no startup probe`);
            assert.ok(container.livenessProbe, `${where} has no liveness probe`);
            assert.ok(container.readinessProbe, `${where} has no readiness probe`);
          }
        });

        it('probes the services ready on /readyz and alive on /healthz, Fabric nodes on /healthz', () => {
          for (const [where, container] of containers(objects, false)) {
            const probes = [
              container.startupProbe,
              container.livenessProbe,
              container.readinessProbe,
            ];
            assert.deepEqual(
              probes.flatMap((probe) =>
                probe?.httpGet?.path === undefined ? [] : [probe.httpGet.path],
              ),
              expectedProbePaths(container.name, set),
              where,
            );
          }
        });

        it('spreads each workload over nodes and then zones, as a preference', () => {
          for (const workload of workloads(objects)) {
            const terms =
              podSpec(workload).affinity?.podAntiAffinity
                ?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
            const keys = terms.map((term) => term.podAffinityTerm.topologyKey);
            assert.deepEqual(
              keys,
              ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'],
              workload.metadata.name,
            );
            for (const term of terms) {
              const selector = term.podAffinityTerm.labelSelector?.matchLabels ?? {};
              assert.equal(selector['app.kubernetes.io/component'], componentOf(workload));
              assert.equal(selector['app.kubernetes.io/instance'], RELEASE);
            }
          }
        });

        it('uses a ServiceAccount that does not mount an API token', () => {
          const accounts = ofKind(objects, 'ServiceAccount');
          assert.equal(accounts.length, 1);
          assert.equal(accounts[0]?.automountServiceAccountToken, false);
          for (const workload of workloads(objects)) {
            const pod = podSpec(workload);
            assert.equal(
              pod.serviceAccountName,
              accounts[0]?.metadata.name,
              workload.metadata.name,
            );
            assert.equal(pod.automountServiceAccountToken, false, workload.metadata.name);
          }
        });

        it('covers every workload with a NetworkPolicy and every replicated one with a PDB', () => {
          const policies = ofKind(objects, 'NetworkPolicy');
          const budgets = ofKind(objects, 'PodDisruptionBudget');
          const selects = (object: KubeObject, workload: KubeObject): boolean => {
            const spec = object.spec as {
              podSelector?: { matchLabels?: Record<string, string> };
              selector?: { matchLabels?: Record<string, string> };
            };
            const wanted = spec.podSelector?.matchLabels ?? spec.selector?.matchLabels ?? {};
            const labels = workloadSpec(workload).template.metadata.labels ?? {};
            return Object.entries(wanted).every(([key, value]) => labels[key] === value);
          };
          for (const workload of workloads(objects)) {
            const name = workload.metadata.name;
            if (set['networkPolicy.enabled'] !== false) {
              assert.ok(
                policies.some((policy) => selects(policy, workload)),
                `${name} has no NetworkPolicy`,
              );
            }
            // Single-instance workloads (datasync, the CA, the exporter) are left out: a budget
            // would block drains.
            const component = componentOf(workload);
            if (component === 'datasync' || component === 'ca' || component === 'exporter')
              continue;
            assert.ok(
              budgets.some((budget) => selects(budget, workload)),
              `${name} has no PDB`,
            );
          }
        });

        it('pins every image to a tag and states its pull policy', () => {
          for (const [where, container] of containers(objects)) {
            assert.match(container.image, /^[a-z0-9./-]+:[A-Za-z0-9._-]+$/, where);
            assert.doesNotMatch(container.image, /:latest$/, where);
            assert.ok(container.imagePullPolicy, `${where} has no pull policy`);
          }
        });
      });
    }
  }
});
