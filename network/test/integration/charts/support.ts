// SPDX-License-Identifier: Apache-2.0
// Shared rendering and inspection helpers for the chart tests.
import assert from 'node:assert/strict';

import type {
  ChartName,
  CloudProfile,
  KubeObject,
  RenderOptions,
  SetValue,
} from '../../../src/charts/helm';
import { chartDir, helmTemplate, profileValuesFile } from '../../../src/charts/helm';

export type Profile = 'default' | CloudProfile;
export const PROFILES: readonly Profile[] = ['default', 'eks', 'pks'];

export const RELEASE = 'org1';
export const NAMESPACE = 'consortia';

export function valuesFor(chart: ChartName, profile: Profile): string[] {
  return profile === 'default' ? [] : [profileValuesFile(chart, profile)];
}

const cache = new Map<string, Promise<KubeObject[]>>();

/** Renders a chart with a profile's values plus overrides; identical renders are shared. */
export function render(
  chart: ChartName,
  profile: Profile = 'default',
  set: RenderOptions['set'] = {},
): Promise<KubeObject[]> {
  const key = JSON.stringify([chart, profile, set]);
  let rendered = cache.get(key);
  if (!rendered) {
    rendered = helmTemplate(chartDir(chart), {
      releaseName: RELEASE,
      namespace: NAMESPACE,
      valuesFiles: valuesFor(chart, profile),
      set,
    });
    cache.set(key, rendered);
  }
  return rendered;
}

export function ofKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((object) => object.kind === kind);
}

export function named(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) {
    const names = ofKind(objects, kind).map((object) => object.metadata.name);
    throw new Error(`no ${kind} ${name}; have ${names.join(', ') || 'none'}`);
  }
  return found;
}

export function componentOf(object: KubeObject): string | undefined {
  return object.metadata.labels?.['app.kubernetes.io/component'];
}

// The slices of the pod API the assertions read.
export interface Probe {
  httpGet?: { path?: string; port: number | string };
  tcpSocket?: { port: number | string };
}
export interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  ports?: { name?: string; containerPort: number }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string }[];
}
export interface WeightedTerm {
  weight: number;
  podAffinityTerm: {
    topologyKey: string;
    labelSelector?: { matchLabels?: Record<string, string> };
  };
}
export interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; fsGroup?: number };
  affinity?: {
    podAntiAffinity?: { preferredDuringSchedulingIgnoredDuringExecution?: WeightedTerm[] };
  };
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; [source: string]: unknown }[];
}
export interface ClaimTemplate {
  metadata: { name: string };
  spec: { storageClassName?: string; resources: { requests: { storage: string } } };
}
export interface WorkloadSpec {
  replicas?: number;
  strategy?: { type: string };
  template: { metadata: { labels?: Record<string, string> }; spec: PodSpec };
  volumeClaimTemplates?: ClaimTemplate[];
}

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet'];

export function workloads(objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter((object) => WORKLOAD_KINDS.includes(object.kind));
}

export function workloadSpec(object: KubeObject): WorkloadSpec {
  return object.spec as WorkloadSpec;
}

export function podSpec(object: KubeObject): PodSpec {
  return workloadSpec(object).template.spec;
}

export function containerNamed(object: KubeObject, name: string): Container {
  const container = podSpec(object).containers.find((candidate) => candidate.name === name);
  if (!container) throw new Error(`${object.metadata.name} has no container ${name}`);
  return container;
}

export function envValue(container: Container, name: string): string | undefined {
  return container.env?.find((variable) => variable.name === name)?.value;
}

interface SecretKeyRef {
  secretKeyRef?: { name: string; key: string; optional?: boolean };
}

/**
 * The environment a container would start with, given the content of the Secrets that exist
 * (secret name → key → value). A reference to a missing Secret fails, unless it is optional.
 */
export function containerEnvironment(
  container: Container,
  secrets: Readonly<Record<string, Readonly<Record<string, string>>>>,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) {
      environment[variable.name] = variable.value;
      continue;
    }
    const ref = (variable.valueFrom as SecretKeyRef | undefined)?.secretKeyRef;
    if (!ref) throw new Error(`${variable.name} has neither a value nor a Secret reference`);
    const value = secrets[ref.name]?.[ref.key];
    if (value !== undefined) environment[variable.name] = value;
    else if (!ref.optional)
      throw new Error(`${variable.name} needs Secret ${ref.name} key ${ref.key}`);
  }
  return environment;
}

/** The Error helm's refusal produced, for asserting on its message. */
export async function renderFailure(
  chart: ChartName,
  set: RenderOptions['set'],
  profile: Profile = 'default',
): Promise<Error> {
  try {
    await helmTemplate(chartDir(chart), {
      releaseName: RELEASE,
      namespace: NAMESPACE,
      valuesFiles: valuesFor(chart, profile),
      set,
    });
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error(`${chart} rendered although ${JSON.stringify(set)} should be refused`);
}

/** One chart's renders for the test release, and the name its objects' names start with. */
export interface ChartUnderTest {
  fullname: string;
  render: (profile?: Profile, set?: RenderOptions['set']) => Promise<KubeObject[]>;
  renderFailure: (set: RenderOptions['set'], profile?: Profile) => Promise<Error>;
}

export function chartUnderTest(chart: ChartName): ChartUnderTest {
  return {
    fullname: `${RELEASE}-${chart}`,
    render: (profile, set) => render(chart, profile, set),
    renderFailure: (set, profile) => renderFailure(chart, set, profile),
  };
}

/**
 * The StatefulSets of a render, asserted to be `names` in order and each of one pod with the
 * volume claim templates `claims`: a chart's nodes (orderers, peers) are StatefulSets of their own.
 */
export function onePodStatefulSets(
  objects: readonly KubeObject[],
  names: readonly string[],
  claims: readonly string[],
): KubeObject[] {
  const sets = ofKind(objects, 'StatefulSet');
  assert.deepEqual(
    sets.map((set) => set.metadata.name),
    names,
  );
  for (const set of sets) {
    const spec = workloadSpec(set);
    assert.equal(spec.replicas, 1);
    assert.deepEqual(
      spec.volumeClaimTemplates?.map((claim) => claim.metadata.name),
      claims,
    );
  }
  return sets;
}

/** Non-default shapes worth validating too: every optional component switched on. */
export const VARIANTS: Record<ChartName, Record<string, Record<string, SetValue>>> = {
  'ordering-service': {
    'kafka with KRaft': { consensus: 'kafka' },
    'kafka with ZooKeeper': { consensus: 'kafka', 'kafka.metadataMode': 'zookeeper' },
    'etcdraft from a genesis block': { 'orderer.bootstrap.method': 'file' },
  },
  'org-blockchain': {
    'CouchDB StatefulSets, CA, DAPP ingress and chaincode TLS': {
      'couchdb.mode': 'statefulset',
      'ca.enabled': true,
      'ca.externalService.enabled': true,
      'ca.signingSecret': 'org1-ca-signing',
      'dapp.ingress.enabled': true,
      'dapp.kafka.brokers': 'kafka-0:9092',
      'dapp.hpa.targetMemoryUtilizationPercentage': 80,
      'chaincode.tls.enabled': true,
      'chaincode.packageId': `consortia_1.0:${'a'.repeat(64)}`,
      'chaincode.tokenAdminMsp': 'Org1MSP',
    },
    'no autoscaler and no network policies': {
      'dapp.hpa.enabled': false,
      'networkPolicy.enabled': false,
    },
    'explorer in demo mode, showing the orderers': {
      'explorer.demoMode': true,
      'explorer.ordererOperationsUrls[0]':
        'orderer0=http://orderers-ordering-service-orderer0.consortia-ordering.svc.cluster.local:9443',
    },
  },
  'org-application': {
    'verified TLS to both databases, CORS and two trusted proxies': {
      'database.sslMode': 'verify-full',
      'database.sslCaSecret': 'org1-app-db-ca',
      'mirrorDatabase.sslMode': 'verify-ca',
      'mirrorDatabase.sslCaSecret': 'org1-mirror-db-ca',
      'appApi.corsOrigins[0]': 'https://portal.org1.example.com',
      'appApi.trustProxy': 2,
    },
    'no autoscaler and no ingress': {
      'appApi.hpa.enabled': false,
      'appApi.ingress.enabled': false,
    },
  },
};
