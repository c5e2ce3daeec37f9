// SPDX-License-Identifier: Apache-2.0
/**
 * The migration's Jobs: the peer CLI and configtxlator of the fabric-tools image, run in the
 * ordering namespace as the ordering org's admin (its MSP from the admin Secret), talking TLS to
 * the orderers with the CA of orderer0's TLS Secret.
 */
import type { V1Job } from '@kubernetes/client-node';

import type { KubeClients } from '../client';
import type { JobOutcome } from '../job-runner';
import { adminCliJob, jobName, runJob } from '../job-runner';
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
  return adminCliJob({
    name,
    namespace: request.namespace,
    labels,
    timeoutMs: request.timeoutMs,
    container: 'orderer-admin',
    image: request.image,
    script: request.script,
    // the refusal the script writes, else the log's end when the container fails
    terminationMessagePolicy: 'FallbackToLogsOnError',
    mspId: request.mspId,
    env: { ORDERER: request.orderer, HOME: '/tmp' },
    adminMspSecret: adminSecretName(request.release),
    tlsSecret: request.tlsSecret,
  });
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
