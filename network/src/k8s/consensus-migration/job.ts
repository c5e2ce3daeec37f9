// SPDX-License-Identifier: Apache-2.0
/**
 * The migration's Jobs: the peer CLI and configtxlator of the fabric-tools image, run in the
 * ordering namespace as the ordering org's admin (its MSP from the admin Secret), talking TLS to
 * the orderers with the CA of orderer0's TLS Secret.
 */
import type { V1Job } from '@kubernetes/client-node';

import { UserError } from '../../errors';
import type { KubeClients } from '../client';
import { apiFailure, apiMessage, isNotFound } from '../client';
import { diagnose, formatDiagnosis } from '../diagnose';
import { watchJob } from '../jobs';
import { PART_OF, PART_OF_LABEL } from '../naming';
import { adminSecretName } from './cluster';

export interface OrdererAdminJob {
  release: string;
  namespace: string;
  mspId: string;
  /** The Secret whose ca.crt is the orderers' TLS CA. */
  tlsSecret: string;
  /** host:port of the orderer the config updates go to. */
  orderer: string;
  step: string;
  script: string;
  inputs: Record<string, Buffer>;
  image: string;
  timeoutMs: number;
}

export const STEP_LABEL = 'consortia.io/migration-step';

export function ordererAdminJob(request: OrdererAdminJob, name: string): V1Job {
  const labels = {
    [PART_OF_LABEL]: PART_OF,
    'app.kubernetes.io/instance': request.release,
    [STEP_LABEL]: request.step,
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: request.namespace, labels },
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: 86400,
      activeDeadlineSeconds: Math.ceil(request.timeoutMs / 1000),
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
              name: 'orderer-admin',
              image: request.image,
              command: ['sh', '-ec', request.script],
              // the refusal the script writes, else the log's end when the container fails
              terminationMessagePolicy: 'FallbackToLogsOnError',
              env: Object.entries({
                CORE_PEER_LOCALMSPID: request.mspId,
                CORE_PEER_MSPCONFIGPATH: '/admin/msp',
                CORE_PEER_TLS_ENABLED: 'true',
                CORE_PEER_TLS_ROOTCERT_FILE: '/tls/ca.crt',
                FABRIC_CFG_PATH: '/etc/hyperledger/fabric',
                ORDERER: request.orderer,
                HOME: '/tmp',
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
                      name: adminSecretName(request.release),
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
              secret: { secretName: request.tlsSecret, items: [{ key: 'ca.crt', path: 'ca.crt' }] },
            },
            { name: 'inputs', configMap: { name } },
            { name: 'work', emptyDir: {} },
          ],
        },
      },
    },
  };
}

export interface JobOutcome {
  job: string;
  namespace: string;
  log: string[];
}

/** Why the Job's containers ended, from their termination messages (the script's `stop`). */
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

/** The Job's log (its pod's, the whole of it: the channels' states are what it reports). */
async function jobLog(clients: KubeClients, namespace: string, name: string): Promise<string[]> {
  try {
    const pods = await clients.core.listNamespacedPod({
      namespace,
      labelSelector: `job-name=${name}`,
    });
    const pod = pods.items[0]?.metadata?.name;
    if (!pod) return ['(no pod)'];
    const text = await clients.core.readNamespacedPodLog({ name: pod, namespace, tailLines: 200 });
    return text.trimEnd().split('\n');
  } catch (error) {
    return [`(log unavailable: ${apiMessage(error)})`];
  }
}

/**
 * Creates the inputs ConfigMap and the Job, waits for it (watchJob, as the org's Jobs are), and
 * reports its log; a failed Job is diagnosed and stops the migration at its step.
 */
export async function runOrdererAdminJob(
  clients: KubeClients,
  request: OrdererAdminJob,
  progress: (line: string) => void,
): Promise<JobOutcome> {
  const { namespace, step, timeoutMs } = request;
  const name = `${request.release}-${step}-${Date.now().toString(36)}`
    .slice(0, 52)
    .replace(/-+$/, '');
  const binaryData = Object.fromEntries(
    Object.entries(request.inputs).map(([key, value]) => [key, value.toString('base64')]),
  );
  try {
    await clients.core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name, labels: { [PART_OF_LABEL]: PART_OF } }, binaryData },
    });
    await clients.batch.createNamespacedJob({ namespace, body: ordererAdminJob(request, name) });
  } catch (error) {
    throw apiFailure(`creating Job ${namespace}/${name}`, error, clients);
  }
  progress(`job ${namespace}/${name} started (${step})`);
  const state = await watchJob(clients, namespace, name, timeoutMs);
  const log = await jobLog(clients, namespace, name);
  await clients.core.deleteNamespacedConfigMap({ name, namespace }).catch((error: unknown) => {
    if (!isNotFound(error)) progress(`could not delete ConfigMap ${name}: ${apiMessage(error)}`);
  });
  log.forEach((line) => progress(`  | ${line}`));
  if (state === 'Complete') return { job: name, namespace, log };
  progress(
    formatDiagnosis(
      await diagnose(clients, { kind: 'Job', namespace, name, selector: { 'job-name': name } }),
    ),
  );
  const reasons = state === 'Failed' ? await terminationMessages(clients, namespace, name) : [];
  throw new UserError(
    state === 'Timeout'
      ? `job ${namespace}/${name} (${step}) did not finish in ${Math.round(timeoutMs / 1000)} s`
      : `job ${namespace}/${name} (${step}) failed${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`,
    'a Job that refuses (exit 3) names the channel and its state in the log above; otherwise read the events (image, Secrets, orderer address), fix the cause and re-run: the migration continues from this step',
  );
}
