// SPDX-License-Identifier: Apache-2.0
// What the migrate-consensus tests share: the command's arguments, and the Job controller (and,
// for a failed Job, the kubelet) that the tests play against the real API server (helm is in
// support.ts).
import path from 'node:path';

import * as k8s from '@kubernetes/client-node';

import { finishNextJob } from './controllers';
import { cryptoMaterial, getCluster, kubeArgs } from './fixture';

export const NAMESPACE = 'mig-ordering';
export const RECORD = 'orderers-consensus-migration';
const STEP_LABEL = 'consortia.io/migration-step';

export const migrate = (...extra: string[]) => [
  'k8s',
  'migrate-consensus',
  '--to',
  'etcdraft',
  '--release',
  'orderers',
  '--namespace',
  NAMESPACE,
  '--channel',
  'consortium',
  '--timeout',
  '60',
  '--job-timeout',
  '60',
  ...kubeArgs(),
  ...extra,
];

export interface PlayedJob {
  job: k8s.V1Job;
  /** The inputs ConfigMap's files, read while the Job "ran". */
  inputs: Record<string, string>;
}

/**
 * Plays the Job controller for the next Jobs, in order: each is read with its inputs, then
 * completed or failed. Helm upgrades and rollouts run between them, hence the long wait.
 */
export async function playJobs(
  outcomes: ('Complete' | 'Failed')[],
  /** For a failed Job: the termination message its pod's container ended with. */
  refusal?: string,
  namespace = NAMESPACE,
): Promise<PlayedJob[]> {
  const batch = getCluster().admin.makeApiClient(k8s.BatchV1Api);
  const core = getCluster().admin.makeApiClient(k8s.CoreV1Api);
  const played: PlayedJob[] = [];
  for (const outcome of outcomes) {
    const deadline = Date.now() + 120_000;
    let pending: k8s.V1Job | undefined;
    while (!pending && Date.now() < deadline) {
      pending = (await batch.listNamespacedJob({ namespace })).items.find(
        (item) => !item.status?.conditions,
      );
      if (!pending) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const name = pending?.metadata?.name;
    if (!name) throw new Error('no Job was created');
    const map = await core.readNamespacedConfigMap({ name, namespace });
    const inputs = Object.fromEntries(
      Object.entries(map.binaryData ?? {}).map(([key, value]) => [
        key,
        Buffer.from(value, 'base64').toString(),
      ]),
    );
    if (outcome === 'Failed' && refusal) await failedPod(pending, refusal, namespace);
    played.push({ job: await finishNextJob(namespace, outcome), inputs });
  }
  return played;
}

/** Plays the kubelet for a Job's pod: its container ended with the script's `stop` message. */
async function failedPod(
  job: k8s.V1Job | undefined,
  message: string,
  namespace: string,
): Promise<void> {
  const core = getCluster().admin.makeApiClient(k8s.CoreV1Api);
  const name = job?.metadata?.name ?? '';
  const container = job?.spec?.template.spec?.containers[0];
  const pod = await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: `${name}-pod`, labels: { 'job-name': name } },
      spec: {
        restartPolicy: 'Never',
        containers: container ? [container] : [],
        volumes: job?.spec?.template.spec?.volumes,
      },
    },
  });
  pod.status = {
    phase: 'Failed',
    containerStatuses: [
      {
        name: container?.name ?? '',
        image: container?.image ?? '',
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode: 3, reason: 'Error', message } },
      },
    ],
  };
  await core.replaceNamespacedPodStatus({ name: `${name}-pod`, namespace, body: pod });
}

export function stepOf(played: PlayedJob): string {
  return played.job.metadata?.labels?.[STEP_LABEL] ?? '';
}

export function scriptOf(played: PlayedJob): string {
  return played.job.spec?.template.spec?.containers[0]?.command?.[2] ?? '';
}

export async function recordData(): Promise<Record<string, string>> {
  const core = getCluster().admin.makeApiClient(k8s.CoreV1Api);
  return (await core.readNamespacedConfigMap({ name: RECORD, namespace: NAMESPACE })).data ?? {};
}

export async function jobCount(): Promise<number> {
  const batch = getCluster().admin.makeApiClient(k8s.BatchV1Api);
  return (await batch.listNamespacedJob({ namespace: NAMESPACE })).items.length;
}

/** The ordering org admin's MSP folder of the test crypto material. */
export function adminMsp(): string {
  return path.join(
    cryptoMaterial(),
    'ordererOrganizations/example.com/users/Admin@example.com/msp',
  );
}

/** Waits until the stand-in StatefulSet controller has marked every StatefulSet ready. */
export async function statefulSetsMarked(namespace: string): Promise<void> {
  const apps = getCluster().admin.makeApiClient(k8s.AppsV1Api);
  for (let attempt = 0; attempt < 150; attempt++) {
    const sets = (await apps.listNamespacedStatefulSet({ namespace })).items;
    const marked = sets.every((set) => set.status?.observedGeneration === set.metadata?.generation);
    if (sets.length > 0 && marked) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the StatefulSets of ${namespace} were not marked ready`);
}
