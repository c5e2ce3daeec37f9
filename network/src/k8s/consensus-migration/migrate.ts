// SPDX-License-Identifier: Apache-2.0
/**
 * `consortia k8s migrate-consensus --to etcdraft`: the Kafka to Raft migration of an
 * ordering-service release. Preconditions first (a Kafka release or one this command left half
 * way, Ready orderers, their TLS Secrets, the admin's Secret), then each step not yet recorded as
 * done in the release's migration ConfigMap. Every step checks the real state before acting: the
 * Jobs read each channel's config, the helm steps the release's values.
 */
import { dropStaleDependencies } from '../../charts/helm';
import { UserError } from '../../errors';
import type { KubeClients } from '../client';
import type { HelmRunner } from '../deploy';
import { diagnose, formatDiagnosis } from '../diagnose';
import { waitForRollout } from '../rollout';
import { mspFiles } from '../secrets/files';
import { chartDir } from '../values';
import type { OrdererNode, OrderingValues, ReleaseTarget } from './cluster';
import {
  consenterCerts,
  ensureAdminSecret,
  helmTargetArgs,
  readRecord,
  recordName,
  releaseOrderers,
  releaseValues,
  writeRecord,
} from './cluster';
import type { MigrationRecord } from './cluster';
import { runOrdererAdminJob } from './job';
import type { K8sMigrationStep } from './plan';
import {
  K8S_MIGRATION_STEPS,
  STEP_EDITS,
  STEP_TITLES,
  STEP_VALUES,
  editTable,
  raftMetadataOf,
  setArgs,
  valuesApplied,
} from './plan';
import type { RaftMetadata } from '../../consensus-migration/consensus-type';
import { checkChannelsScript, configUpdateScript } from './scripts';

export interface K8sMigrationOptions {
  where: ReleaseTarget;
  to: string;
  /** The system channel first, then every application channel. */
  channels: string[];
  adminMsp?: string;
  /** Migrate with fewer than 3 orderers as the Raft consenters. */
  fewerConsenters?: boolean;
  chartsDir: string;
  image: string;
  jobTimeoutMs: number;
  rolloutTimeoutMs: number;
  dryRun: boolean;
}

export interface PlannedStep {
  step: K8sMigrationStep;
  title: string;
  /** When the record says it was done. */
  done?: string;
  /** What it would apply: the helm command, or the Job's edits by channel state. */
  detail: string[];
}

export interface K8sMigrationResult {
  steps: PlannedStep[];
  /** Steps run now. */
  ran: K8sMigrationStep[];
  consenters: string[];
}

interface Context {
  clients: KubeClients;
  helm: HelmRunner;
  options: K8sMigrationOptions;
  values: OrderingValues;
  orderers: OrdererNode[];
  metadata: RaftMetadata;
  progress: (line: string) => void;
}

function helmArgs(options: K8sMigrationOptions, step: K8sMigrationStep): string[] {
  const { release, namespace, target } = options.where;
  return [
    'upgrade',
    release,
    chartDir(options.chartsDir, 'ordering'),
    '--namespace',
    namespace,
    // the operator's own values (cloud profile, replicas, Secrets) stay as they are
    '--reuse-values',
    '--history-max',
    '10',
    '--dependency-update',
    ...setArgs(STEP_VALUES[step] ?? {}),
    ...helmTargetArgs(target),
  ];
}

/** Certificates make the patches long; the plan shows where they go, not their bytes. */
function abbreviated(patch: Record<string, unknown>): string {
  return JSON.stringify(patch).replace(
    /"(client|server)_tls_cert":"([^"]*)"/g,
    (_match, side: string, cert: string) =>
      `"${side}_tls_cert":"<PEM, ${cert.length} base64 chars>"`,
  );
}

function planSteps(context: Context, record: MigrationRecord | undefined): PlannedStep[] {
  const { options } = context;
  return K8S_MIGRATION_STEPS.map((step) => {
    const edit = STEP_EDITS[step];
    let detail: string[];
    if (edit) {
      detail = editTable(edit, context.metadata).map(
        (row) =>
          `channel found ${row.key}: ${row.action}${row.patch ? ` ConsensusType += ${abbreviated(row.patch)}` : ''}`,
      );
    } else if (STEP_VALUES[step]) {
      detail = [`helm ${helmArgs(options, step).join(' ')}`];
    } else {
      detail = [`orderers: ${ordererAddresses(context).join(', ')}`];
    }
    return { step, title: STEP_TITLES[step], done: record?.done[step], detail };
  });
}

function ordererAddresses(context: Context): string[] {
  const { namespace } = context.options.where;
  return context.orderers.map((node) => `${node.name}.${namespace}.svc:${context.values.grpcPort}`);
}

/** Refuses, with the reason, a release this command cannot (or need not) migrate. */
function checkRelease(
  options: K8sMigrationOptions,
  values: OrderingValues,
  record: MigrationRecord | undefined,
  orderers: readonly OrdererNode[],
): void {
  const { release, namespace } = options.where;
  if (options.to !== 'etcdraft') {
    throw new UserError(`cannot migrate to '${options.to}'`, 'pass --to etcdraft');
  }
  if (values.consensus !== 'kafka' && !record) {
    throw new UserError(
      `release ${release} in ${namespace} is ordered by ${values.consensus}, not kafka, and no migration of it is recorded (ConfigMap ${recordName(release)})`,
      'only a Kafka-ordered ordering-service release can be migrated',
    );
  }
  if (options.channels.length === 0) {
    throw new UserError('no channel named', 'pass --channel for every application channel');
  }
  if (record && record.channels.join(' ') !== options.channels.join(' ')) {
    throw new UserError(
      `the migration recorded in ${recordName(release)} is of channels ${record.channels.join(', ')}, not ${options.channels.join(', ')}`,
      'pass the same --system-channel and --channel as the first run',
    );
  }
  if (orderers.length === 0) {
    throw new UserError(
      `release ${release} has no orderer StatefulSets in ${namespace}`,
      'pass --release and --namespace of the ordering-service release',
    );
  }
  if (orderers.length < 3 && !options.fewerConsenters && !record) {
    throw new UserError(
      `release ${release} runs ${orderers.length} orderer(s): as Raft consenters they would not survive one orderer's crash`,
      `while still on Kafka, give the release 3 orderers (their Secrets with \`consortia k8s secrets --ordering\`, then \`helm upgrade ${release} charts/ordering-service -n ${namespace} --reuse-values --set orderer.replicas=3\`: a Kafka orderer catches up from the brokers), or pass --fewer-consenters`,
    );
  }
  const notReady = orderers.filter((node) => !node.ready);
  if (notReady.length > 0) {
    throw new UserError(
      `orderer(s) not Ready: ${notReady.map((node) => `${node.name} (${node.summary})`).join(', ')}`,
      'the migration needs every orderer serving; `consortia k8s status --ordering` shows why one is not',
    );
  }
}

async function runStep(context: Context, step: K8sMigrationStep): Promise<void> {
  const { clients, options, progress } = context;
  const { release, namespace } = options.where;
  const job = {
    release,
    namespace,
    mspId: context.values.mspId,
    tlsSecret: context.values.tlsSecrets[0] ?? `${release}-orderer0-tls`,
    orderer: ordererAddresses(context)[0] ?? '',
    image: options.image,
    timeoutMs: options.jobTimeoutMs,
  };
  const edit = STEP_EDITS[step];
  if (edit) {
    const { script, inputs } = configUpdateScript(edit, context.metadata, options.channels);
    await runOrdererAdminJob(clients, { ...job, step, script, inputs }, progress);
    return;
  }
  if (step === 'check-channels') {
    const script = checkChannelsScript(
      options.channels,
      ordererAddresses(context),
      Math.floor(options.jobTimeoutMs / 1000) - 30,
    );
    await runOrdererAdminJob(clients, { ...job, step, script, inputs: {} }, progress);
    return;
  }
  const current = await releaseValues(context.helm, options.where);
  if (valuesApplied(step, current)) {
    progress(`${release} already runs with ${JSON.stringify(STEP_VALUES[step])}`);
  } else {
    dropStaleDependencies(chartDir(options.chartsDir, 'ordering'));
    const result = await context.helm(helmArgs(options, step));
    if (result.code !== 0) {
      throw new UserError(
        `helm upgrade ${release} (${step}) failed:\n${`${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-10).join('\n')}`,
        /another operation .* is in progress/i.test(`${result.stderr}${result.stdout}`)
          ? `an earlier helm run on ${release} was interrupted: \`helm rollback ${release} -n ${namespace}\`, then re-run; the migration continues from ${step}`
          : `fix the cause and re-run; the migration continues from ${step}`,
      );
    }
  }
  await waitRollout(context);
}

async function waitRollout(context: Context): Promise<void> {
  const { clients, options, progress } = context;
  const { release, namespace } = options.where;
  const rollout = await waitForRollout(
    clients,
    [{ namespace, labelSelector: `app.kubernetes.io/instance=${release}` }],
    {
      timeoutMs: options.rolloutTimeoutMs,
      onChange: (workload) =>
        progress(`  ${workload.kind.toLowerCase()} ${workload.name}: ${workload.summary}`),
    },
  );
  if (!rollout.ready) {
    const failing = rollout.workloads.filter((workload) => !workload.ready);
    for (const workload of failing) progress(formatDiagnosis(await diagnose(clients, workload)));
    throw new UserError(
      `not available after ${Math.round(options.rolloutTimeoutMs / 1000)} s: ${failing.map((workload) => `${workload.name} (${workload.summary})`).join(', ')}`,
      'read the events above; once the orderers run, re-run the command: it continues from this step',
    );
  }
}

export async function migrateConsensusK8s(
  clients: KubeClients,
  helm: HelmRunner,
  options: K8sMigrationOptions,
  progress: (line: string) => void,
): Promise<K8sMigrationResult> {
  const { where } = options;
  const values = await releaseValues(helm, where);
  const record = await readRecord(clients, where);
  const orderers = await releaseOrderers(clients, where);
  checkRelease(options, values, record, orderers);
  const consenters = await consenterCerts(clients, where, values, orderers);
  const context: Context = {
    clients,
    helm,
    options,
    values,
    orderers,
    metadata: raftMetadataOf(consenters),
    progress,
  };
  const steps = planSteps(context, record);
  const result = {
    steps,
    ran: [] as K8sMigrationStep[],
    consenters: consenters.map((consenter) => `${consenter.host}:${consenter.port}`),
  };
  if (options.dryRun) {
    // the folder is read as the real run would store it; the Secret is not written
    if (options.adminMsp === undefined) await ensureAdminSecret(clients, where, undefined);
    else mspFiles(options.adminMsp);
    return result;
  }
  await ensureAdminSecret(clients, where, options.adminMsp);
  const progressRecord: MigrationRecord = record ?? {
    to: options.to,
    channels: options.channels,
    done: {},
  };
  await writeRecord(clients, where, progressRecord);
  for (const planned of steps) {
    if (planned.done) {
      progress(`${planned.step}: done ${planned.done}`);
      continue;
    }
    progress(`${planned.step}: ${planned.title}`);
    await runStep(context, planned.step);
    progressRecord.done[planned.step] = new Date().toISOString();
    await writeRecord(clients, where, progressRecord);
    result.ran.push(planned.step);
  }
  return result;
}
