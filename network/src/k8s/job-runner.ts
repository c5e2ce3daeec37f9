// SPDX-License-Identifier: Apache-2.0
// A step run as a Kubernetes Job: its inputs in a ConfigMap (and keys in a Secret) of its name,
// watched until it completes, fails or times out, then its log, or its diagnosis when it failed.
import type { V1Job } from '@kubernetes/client-node';

import { UserError } from '../errors';
import type { KubeClients } from './client';
import { apiFailure, apiMessage, httpStatus, isNotFound } from './client';
import { diagnose, formatDiagnosis } from './diagnose';
import { PART_OF, PART_OF_LABEL } from './naming';

export interface JobOutcome {
  job: string;
  namespace: string;
  succeeded: boolean;
  log: string[];
}

/** A step run with the Fabric CLI (peer, configtxlator) as an organization's admin. */
export interface AdminCliJob {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  timeoutMs: number;
  container: string;
  image: string;
  script: string;
  /** CORE_PEER_LOCALMSPID; `env` may set it instead. */
  mspId: string;
  /** Variables after the CLI's own settings, which they may override. */
  env: Record<string, string>;
  /** Secret with the admin's MSP: config.yaml, cert.pem, key.pem and cacert.pem. */
  adminMspSecret: string;
  /** Secret whose ca.crt is the TLS CA of the nodes the step talks to. */
  tlsSecret: string;
  /** FallbackToLogsOnError where the script writes its refusal as the termination message. */
  terminationMessagePolicy?: 'FallbackToLogsOnError';
}

/**
 * The Job of an admin CLI step: run once as a non-root user, never restarted, stopped at the
 * step's timeout and kept for a day; the admin MSP is mounted at /admin/msp, the TLS CA at
 * /tls/ca.crt, the inputs (a ConfigMap of the Job's name) at /inputs, and /work is scratch space.
 */
export function adminCliJob(job: AdminCliJob): V1Job {
  const { name, labels } = job;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: job.namespace, labels },
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: 86400,
      activeDeadlineSeconds: Math.ceil(job.timeoutMs / 1000),
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: job.container,
              image: job.image,
              command: ['sh', '-ec', job.script],
              ...(job.terminationMessagePolicy
                ? { terminationMessagePolicy: job.terminationMessagePolicy }
                : {}),
              env: Object.entries({
                CORE_PEER_LOCALMSPID: job.mspId,
                CORE_PEER_MSPCONFIGPATH: '/admin/msp',
                CORE_PEER_TLS_ENABLED: 'true',
                CORE_PEER_TLS_ROOTCERT_FILE: '/tls/ca.crt',
                FABRIC_CFG_PATH: '/etc/hyperledger/fabric',
                ...job.env,
              }).map(([key, value]) => ({ name: key, value })),
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              volumeMounts: [
                { name: 'admin-msp', mountPath: '/admin/msp', readOnly: true },
                { name: 'tls', mountPath: '/tls', readOnly: true },
                { name: 'inputs', mountPath: '/inputs', readOnly: true },
                { name: 'work', mountPath: '/work' },
              ],
            },
          ],
          volumes: [
            {
              name: 'admin-msp',
              projected: {
                sources: [
                  {
                    secret: {
                      name: job.adminMspSecret,
                      items: [
                        { key: 'config.yaml', path: 'config.yaml' },
                        { key: 'cert.pem', path: 'signcerts/cert.pem' },
                        { key: 'key.pem', path: 'keystore/key.pem' },
                        { key: 'cacert.pem', path: 'cacerts/cacert.pem' },
                      ],
                    },
                  },
                ],
              },
            },
            {
              name: 'tls',
              secret: { secretName: job.tlsSecret, items: [{ key: 'ca.crt', path: 'ca.crt' }] },
            },
            { name: 'inputs', configMap: { name } },
            { name: 'work', emptyDir: {} },
          ],
        },
      },
    },
  };
}

/** A Job's name: who runs it, the step and a stamp, short enough for the pod's job-name label. */
export function jobName(prefix: string, step: string): string {
  const stamp = Date.now().toString(36);
  return `${prefix}-${step}-${stamp}`.slice(0, 52).replace(/-+$/, '');
}

function jobFinished(job: V1Job): 'Complete' | 'Failed' | undefined {
  const conditions = job.status?.conditions ?? [];
  if (conditions.some((condition) => condition.type === 'Complete' && condition.status === 'True'))
    return 'Complete';
  if (conditions.some((condition) => condition.type === 'Failed' && condition.status === 'True'))
    return 'Failed';
  return undefined;
}

/** Watches one Job until it completes, fails or the timeout passes. */
export function watchJob(
  clients: KubeClients,
  namespace: string,
  name: string,
  timeoutMs: number,
): Promise<'Complete' | 'Failed' | 'Timeout'> {
  return new Promise((resolve, reject) => {
    let controller: AbortController | undefined;
    let finished = false;
    const finish = (outcome: 'Complete' | 'Failed' | 'Timeout' | Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      controller?.abort();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(() => finish('Timeout'), timeoutMs);
    const open = () => {
      clients.watch
        .watch(
          `/apis/batch/v1/namespaces/${namespace}/jobs`,
          { fieldSelector: `metadata.name=${name}` },
          (phase, object) => {
            if (phase !== 'ADDED' && phase !== 'MODIFIED') return;
            const state = jobFinished(object as V1Job);
            if (state) finish(state);
          },
          (error: unknown) => {
            if (finished) return;
            const status = httpStatus(error);
            if (status === 401 || status === 403)
              finish(apiFailure(`watching Job ${name}`, error, clients));
            // without a resourceVersion the reopened watch lists the Job again, so nothing is missed
            else setTimeout(() => !finished && open(), 200);
          },
        )
        .then(
          (opened) => {
            if (finished) opened.abort();
            else controller = opened;
          },
          (error: unknown) => finish(apiFailure(`watching Job ${name}`, error, clients)),
        );
    };
    open();
  });
}

/** The log of the Job's pod: its last `tailLines` lines. */
async function jobLog(
  clients: KubeClients,
  namespace: string,
  name: string,
  tailLines: number,
): Promise<string[]> {
  try {
    const pods = await clients.core.listNamespacedPod({
      namespace,
      labelSelector: `job-name=${name}`,
    });
    const pod = pods.items[0]?.metadata?.name;
    if (!pod) return ['(no pod)'];
    const text = await clients.core.readNamespacedPodLog({ name: pod, namespace, tailLines });
    return text.trimEnd().split('\n');
  } catch (error) {
    return [`(log unavailable: ${apiMessage(error)})`];
  }
}

/** Why the Job's containers ended, from their termination messages (a script's refusal). */
async function terminationMessages(
  clients: KubeClients,
  namespace: string,
  name: string,
): Promise<string[]> {
  try {
    const pods = await clients.core.listNamespacedPod({
      namespace,
      labelSelector: `job-name=${name}`,
    });
    return pods.items.flatMap((pod) =>
      (pod.status?.containerStatuses ?? []).flatMap((status) => {
        const message = status.state?.terminated?.message?.trim();
        return message ? [message] : [];
      }),
    );
  } catch {
    return [];
  }
}

/** A Job and its inputs: files in a ConfigMap of its name, keys in a Secret of its name. */
export interface JobRun {
  namespace: string;
  name: string;
  step: string;
  body: V1Job;
  inputs: Record<string, Buffer>;
  secretInputs?: Record<string, Buffer>;
  timeoutMs: number;
  /** Log lines kept (default 20). */
  tailLines?: number;
  /** Print the log (`  | line`) before the outcome, when the log is the Job's report. */
  printLog?: boolean;
  /** What to do when the Job fails or times out (default: the usual causes of a Fabric Job). */
  failureHint?: string;
}

/** Creates the inputs and the Job, waits for it, and reports; a failure is diagnosed. */
export async function runJob(
  clients: KubeClients,
  run: JobRun,
  progress: (line: string) => void,
): Promise<JobOutcome> {
  const { namespace, name, step, timeoutMs } = run;
  const encoded = (files: Record<string, Buffer>) =>
    Object.fromEntries(
      Object.entries(files).map(([key, value]) => [key, value.toString('base64')]),
    );
  const metadata = { name, labels: { [PART_OF_LABEL]: PART_OF } };
  try {
    await clients.core.createNamespacedConfigMap({
      namespace,
      body: { metadata, binaryData: encoded(run.inputs) },
    });
    if (run.secretInputs) {
      await clients.core.createNamespacedSecret({
        namespace,
        body: { metadata, data: encoded(run.secretInputs) },
      });
    }
    await clients.batch.createNamespacedJob({ namespace, body: run.body });
  } catch (error) {
    throw apiFailure(`creating Job ${namespace}/${name}`, error, clients);
  }
  progress(`job ${namespace}/${name} started (${step})`);
  const state = await watchJob(clients, namespace, name, timeoutMs);
  const log = await jobLog(clients, namespace, name, run.tailLines ?? 20);
  if (run.printLog) log.forEach((line) => progress(`  | ${line}`));
  // the Job keeps its inputs only while it runs; a package may be large, a key is a key
  const cleanUp = (kind: string) => (error: unknown) => {
    if (!isNotFound(error)) progress(`could not delete ${kind} ${name}: ${apiMessage(error)}`);
  };
  await clients.core.deleteNamespacedConfigMap({ name, namespace }).catch(cleanUp('ConfigMap'));
  if (run.secretInputs) {
    await clients.core.deleteNamespacedSecret({ name, namespace }).catch(cleanUp('Secret'));
  }
  if (state === 'Complete') return { job: name, namespace, succeeded: true, log };
  progress(
    formatDiagnosis(
      await diagnose(clients, { kind: 'Job', namespace, name, selector: { 'job-name': name } }),
    ),
  );
  // a script that refuses says why in its termination message
  const reasons = state === 'Failed' ? await terminationMessages(clients, namespace, name) : [];
  throw new UserError(
    state === 'Timeout'
      ? `job ${namespace}/${name} (${step}) did not finish in ${Math.round(timeoutMs / 1000)} s`
      : `job ${namespace}/${name} (${step}) failed${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`,
    run.failureHint ??
      'read the events and log lines above (orderer address, channel name and TLS CA are the usual causes), then re-run',
  );
}
