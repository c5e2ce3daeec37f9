// SPDX-License-Identifier: Apache-2.0
/**
 * What the migration reads of, and keeps in, the cluster: the ordering release's values (helm),
 * its orderers and their TLS Secrets, the ordering org admin's Secret, and the migration's own
 * record, a ConfigMap beside the release, as operators keep their progress.
 */
import type { KubernetesObject, V1ConfigMap, V1StatefulSet } from '@kubernetes/client-node';

import { UserError } from '../../errors';
import type { KubeClients, KubeTarget } from '../client';
import { apiFailure, applyObject, isNotFound } from '../client';
import type { HelmRunner } from '../deploy';
import { PART_OF, PART_OF_LABEL } from '../naming';
import { statefulSetState } from '../rollout';
import { mspFiles } from '../secrets/files';
import type { K8sMigrationStep } from './plan';
import { K8S_MIGRATION_STEPS } from './plan';

export interface ReleaseTarget {
  release: string;
  namespace: string;
  target: KubeTarget;
}

export function helmTargetArgs(target: KubeTarget): string[] {
  return [
    ...(target.kubeconfig ? ['--kubeconfig', target.kubeconfig] : []),
    ...(target.context ? ['--kube-context', target.context] : []),
  ];
}

/** The ordering release's values as the migration reads them. */
export interface OrderingValues {
  consensus: string;
  kafkaRetain: boolean;
  bootstrap: string;
  mspId: string;
  clusterDomain: string;
  grpcPort: number;
  /** Per-orderer TLS Secret overrides, by index. */
  tlsSecrets: (string | undefined)[];
}

type Values = Record<string, unknown>;

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function object(value: unknown): Values {
  return typeof value === 'object' && value !== null ? (value as Values) : {};
}

/** `helm get values --all`: the values the release runs with, defaults included. */
export async function releaseValues(
  helm: HelmRunner,
  where: ReleaseTarget,
): Promise<OrderingValues> {
  const result = await helm([
    'get',
    'values',
    where.release,
    '--namespace',
    where.namespace,
    '--all',
    '--output',
    'json',
    ...helmTargetArgs(where.target),
  ]);
  if (result.code !== 0) {
    const output = `${result.stderr}\n${result.stdout}`.trim();
    throw new UserError(
      /not found/i.test(output)
        ? `release ${where.release} is not installed in ${where.namespace}`
        : `helm get values ${where.release}: ${output.split('\n').slice(-3).join(' ')}`,
      'pass --release and --namespace of the ordering-service release (`helm list -A` lists them)',
    );
  }
  const values = object(JSON.parse(result.stdout) as unknown);
  const orderer = object(values.orderer);
  const nodes = Array.isArray(orderer.nodes) ? (orderer.nodes as unknown[]) : [];
  return {
    consensus: stringOr(values.consensus, 'etcdraft'),
    kafkaRetain: object(values.kafka).retain === true,
    bootstrap: stringOr(object(orderer.bootstrap).method, 'none'),
    mspId: stringOr(orderer.mspId, 'OrdererMSP'),
    clusterDomain: stringOr(values.clusterDomain, 'cluster.local'),
    grpcPort: Number(object(orderer.ports).grpc ?? 7050),
    tlsSecrets: nodes.map((node) => {
      const name = object(node).tlsSecret;
      return typeof name === 'string' && name ? name : undefined;
    }),
  };
}

export interface OrdererNode {
  index: number;
  /** The StatefulSet, and the Service of the same name. */
  name: string;
  ready: boolean;
  summary: string;
}

/** The release's orderers (one StatefulSet each), by index. */
export async function releaseOrderers(
  clients: KubeClients,
  where: ReleaseTarget,
): Promise<OrdererNode[]> {
  let sets: V1StatefulSet[];
  try {
    sets = (
      await clients.apps.listNamespacedStatefulSet({
        namespace: where.namespace,
        labelSelector: `app.kubernetes.io/instance=${where.release},app.kubernetes.io/component=orderer`,
      })
    ).items;
  } catch (error) {
    throw apiFailure(`listing the orderers in ${where.namespace}`, error, clients);
  }
  return sets
    .map((set) => {
      const state = statefulSetState(set);
      const index = Number(/-orderer(\d+)$/.exec(state.name)?.[1] ?? -1);
      return { index, name: state.name, ready: state.ready, summary: state.summary };
    })
    .filter((node) => node.index >= 0)
    .sort((left, right) => left.index - right.index);
}

/** Each orderer's TLS certificate as its Secret holds it (base64 of the PEM), for Raft. */
export async function consenterCerts(
  clients: KubeClients,
  where: ReleaseTarget,
  values: OrderingValues,
  orderers: readonly OrdererNode[],
): Promise<{ host: string; port: number; certBase64: string }[]> {
  const consenters = [];
  for (const orderer of orderers) {
    const name = values.tlsSecrets[orderer.index] ?? `${where.release}-orderer${orderer.index}-tls`;
    let cert: string | undefined;
    try {
      const secret = await clients.core.readNamespacedSecret({ name, namespace: where.namespace });
      cert = secret.data?.['tls.crt'];
    } catch (error) {
      if (!isNotFound(error)) throw apiFailure(`reading Secret ${name}`, error, clients);
    }
    if (!cert) {
      throw new UserError(
        `orderer${orderer.index}'s TLS Secret ${where.namespace}/${name} has no tls.crt`,
        "create the orderers' Secrets with `consortia k8s secrets --ordering`",
      );
    }
    consenters.push({
      host: `${orderer.name}.${where.namespace}.svc.${values.clusterDomain}`,
      port: values.grpcPort,
      certBase64: cert,
    });
  }
  return consenters;
}

/** The Secret holding the ordering org admin's MSP, which signs the config updates. */
export function adminSecretName(release: string): string {
  return `${release}-admin-msp`;
}

/**
 * Makes sure the admin Secret exists: written from `mspDir` when given (server-side apply),
 * else it must be there already.
 */
export async function ensureAdminSecret(
  clients: KubeClients,
  where: ReleaseTarget,
  mspDir: string | undefined,
): Promise<'applied' | 'present'> {
  const name = adminSecretName(where.release);
  if (mspDir) {
    const data = Object.fromEntries(
      Object.entries(mspFiles(mspDir)).map(([key, value]) => [key, value.toString('base64')]),
    );
    try {
      await applyObject(clients, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace: where.namespace, labels: { [PART_OF_LABEL]: PART_OF } },
        type: 'Opaque',
        data,
      } as KubernetesObject);
    } catch (error) {
      throw apiFailure(`writing Secret ${where.namespace}/${name}`, error, clients);
    }
    return 'applied';
  }
  try {
    await clients.core.readNamespacedSecret({ name, namespace: where.namespace });
    return 'present';
  } catch (error) {
    if (!isNotFound(error)) throw apiFailure(`reading Secret ${name}`, error, clients);
    throw new UserError(
      `the ordering org admin's Secret ${where.namespace}/${name} does not exist`,
      "pass --admin-msp with the ordering org admin's MSP folder (users/Admin@<domain>/msp); the config updates are signed with it",
    );
  }
}

/** The migration's record: what it migrates, and the steps done, each with its time. */
export interface MigrationRecord {
  to: string;
  channels: string[];
  done: Partial<Record<K8sMigrationStep, string>>;
}

export function recordName(release: string): string {
  return `${release}-consensus-migration`;
}

export async function readRecord(
  clients: KubeClients,
  where: ReleaseTarget,
): Promise<MigrationRecord | undefined> {
  let map: V1ConfigMap;
  try {
    map = await clients.core.readNamespacedConfigMap({
      name: recordName(where.release),
      namespace: where.namespace,
    });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw apiFailure(`reading the migration record`, error, clients);
  }
  const data = map.data ?? {};
  const done: MigrationRecord['done'] = {};
  for (const step of K8S_MIGRATION_STEPS) {
    const at = data[`done.${step}`];
    if (at) done[step] = at;
  }
  return {
    to: data.to ?? '',
    channels: (data.channels ?? '').split(' ').filter(Boolean),
    done,
  };
}

/** Writes the whole record (server-side apply): after each step, before the next starts. */
export async function writeRecord(
  clients: KubeClients,
  where: ReleaseTarget,
  record: MigrationRecord,
): Promise<void> {
  const data: Record<string, string> = { to: record.to, channels: record.channels.join(' ') };
  for (const [step, at] of Object.entries(record.done)) data[`done.${step}`] = at;
  try {
    await applyObject(clients, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: recordName(where.release),
        namespace: where.namespace,
        labels: { [PART_OF_LABEL]: PART_OF, 'app.kubernetes.io/instance': where.release },
      },
      data,
    } as KubernetesObject);
  } catch (error) {
    throw apiFailure('writing the migration record', error, clients);
  }
}
