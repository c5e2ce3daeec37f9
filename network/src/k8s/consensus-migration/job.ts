// SPDX-License-Identifier: Apache-2.0
/**
 * The migration's Jobs: the peer CLI and configtxlator of the fabric-tools image, run in the
 * ordering namespace as the ordering org's admin (its MSP from the admin Secret), talking TLS to
 * the orderers with the CA of orderer0's TLS Secret.
 */
import type { V1Job } from '@kubernetes/client-node';

import type { KubeClients } from '../client';
import type { JobOutcome } from '../job-runner';
import { jobName, runJob } from '../job-runner';
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

/**
 * Runs a migration step's Job with its inputs (the shared Job runner), printing its whole log:
 * the channels' states are what it reports. A failed Job stops the migration at its step.
 */
export function runOrdererAdminJob(
  clients: KubeClients,
  request: OrdererAdminJob,
  progress: (line: string) => void,
): Promise<JobOutcome> {
  const name = jobName(request.release, request.step);
  return runJob(
    clients,
    {
      namespace: request.namespace,
      name,
      step: request.step,
      body: ordererAdminJob(request, name),
      inputs: request.inputs,
      timeoutMs: request.timeoutMs,
      tailLines: 200,
      printLog: true,
      failureHint:
        'a Job that refuses (exit 3) names the channel and its state in the log above; otherwise read the events (image, Secrets, orderer address), fix the cause and re-run: the migration continues from this step',
    },
    progress,
  );
}
