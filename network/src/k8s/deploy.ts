// SPDX-License-Identifier: Apache-2.0
import type { KubernetesObject } from '@kubernetes/client-node';
import YAML from 'yaml';

import { dropStaleDependencies, locateHelm } from '../charts/helm';
import { UserError } from '../errors';
import type { RunResult } from '../process/run-command';
import { runCommand } from '../process/run-command';
import type { KubeClients, KubeTarget } from './client';
import { apiFailure, apiMessage, applyObject, httpStatus, isNotFound } from './client';
import { diagnose, formatDiagnosis } from './diagnose';
import type { Cloud, OrgLayout, ReleaseKind } from './naming';
import { CHART_OF } from './naming';
import { targetKinds } from './preflight';
import type { Workload } from './rollout';
import { waitForRollout } from './rollout';
import { chartDir, scopedFor, valuesFiles } from './values';

/** Runs helm with these arguments; injectable for tests. */
export type HelmRunner = (args: string[]) => Promise<RunResult>;

export function defaultHelm(): HelmRunner {
  return (args) => runCommand(locateHelm(), args);
}

export interface DeployOptions {
  layout: OrgLayout;
  cloud: Cloud;
  chartsDir: string;
  ordering: boolean;
  extraValues: readonly string[];
  /** key=value pairs handed to every release with --set. */
  set: readonly string[];
  dryRun: boolean;
  timeoutMs: number;
  target: KubeTarget;
}

export interface ReleasePlan {
  kind: ReleaseKind;
  release: string;
  namespace: string;
  chart: string;
  args: string[];
}

export interface DeployResult {
  releases: { release: string; namespace: string; chart: string; objects: number }[];
  workloads: Workload[];
}

/** The helm command for each release, in install order: ordering, blockchain, application. */
export function planReleases(options: DeployOptions): ReleasePlan[] {
  return targetKinds(options.ordering).map((kind) => {
    const release = options.layout.releases[kind];
    const namespace = options.layout.namespaces[kind];
    const chart = chartDir(options.chartsDir, kind);
    const files = valuesFiles(
      options.chartsDir,
      kind,
      options.cloud,
      scopedFor(kind, options.extraValues),
    );
    const args = [
      'upgrade',
      '--install',
      release,
      chart,
      '--namespace',
      namespace,
      '--create-namespace',
      '--history-max',
      '10',
      // the charts' shared helpers (consortia-lib) are vendored into charts/ when missing
      '--dependency-update',
      ...files.flatMap((file) => ['--values', file]),
      ...scopedFor(kind, options.set).flatMap((pair) => ['--set', pair]),
      ...(options.target.kubeconfig ? ['--kubeconfig', options.target.kubeconfig] : []),
      ...(options.target.context ? ['--kube-context', options.target.context] : []),
      // helm renders against the live cluster (lookups, schema); the objects are then dry-run applied
      ...(options.dryRun ? ['--dry-run=server', '--output', 'json'] : []),
    ];
    return { kind, release, namespace, chart: CHART_OF[kind], args };
  });
}

/** Names the fix for helm's usual failures. */
export function helmFailure(plan: ReleasePlan, result: RunResult): UserError {
  const output = `${result.stderr}\n${result.stdout}`.trim();
  // helm's error and the detail lines after it (schema violations, the server's field errors)
  const lines = output.split('\n');
  const first = lines.findIndex((line) => line.startsWith('Error:'));
  const message = (first >= 0 ? lines.slice(first, first + 10) : lines.slice(-10)).join('\n');
  let hint = `fix the values of ${plan.chart} (values-<cloud>.yaml or --values) and re-run deploy`;
  if (/cluster unreachable|connection refused|no such host|i\/o timeout/i.test(output)) {
    hint =
      'check --kubeconfig/--context and that the cluster endpoint is reachable; `consortia k8s preflight` tells';
  } else if (/forbidden/i.test(output)) {
    hint = 'run `consortia k8s preflight` to list the missing rights';
  } else if (
    /cannot be imported into the current release|invalid ownership metadata/i.test(output)
  ) {
    hint = `an object of that name exists outside release ${plan.release}; delete it or label and annotate it for the release (\`consortia k8s secrets\` does so for the Secrets)`;
  } else if (/another operation .* is in progress/i.test(output)) {
    hint = `a previous helm run on ${plan.release} was interrupted: \`helm rollback ${plan.release} -n ${plan.namespace}\` and re-run`;
  } else if (/kubeVersion/i.test(output)) {
    hint = 'the cluster is older than the chart supports; upgrade the cluster';
  }
  return new UserError(
    `helm upgrade --install ${plan.release} (${plan.chart}) failed:\n${message}`,
    hint,
  );
}

/** The objects helm rendered, from `helm upgrade --dry-run --output json`. */
export function renderedObjects(plan: ReleasePlan, stdout: string): KubernetesObject[] {
  let release: { manifest?: string; hooks?: { manifest?: string }[] };
  try {
    release = JSON.parse(stdout) as typeof release;
  } catch {
    throw new UserError(
      `helm printed no release for ${plan.release}`,
      'check that the helm binary is the one `consortia install helm` put under CONSORTIA_HOME',
    );
  }
  const manifests = [
    release.manifest ?? '',
    ...(release.hooks ?? []).map((hook) => hook.manifest ?? ''),
  ];
  return manifests
    .flatMap((manifest) =>
      YAML.parseAllDocuments(manifest).map((document) => document.toJS() as unknown),
    )
    .filter(
      (object): object is KubernetesObject =>
        typeof object === 'object' && object !== null && 'kind' in object,
    )
    .map((object) => ({
      ...object,
      // eslint-disable-next-line @typescript-eslint/no-misused-spread -- manifests are plain parsed objects
      metadata: { ...object.metadata, namespace: object.metadata?.namespace ?? plan.namespace },
    }));
}

/**
 * Server-side dry run of every rendered object (dryRun=All): the API server runs defaulting,
 * validation and admission as for a real apply, and stores nothing.
 */
export async function serverDryRun(
  clients: KubeClients,
  plan: ReleasePlan,
  objects: readonly KubernetesObject[],
): Promise<void> {
  try {
    await clients.core.readNamespace({ name: plan.namespace });
  } catch (error) {
    if (isNotFound(error)) {
      throw new UserError(
        `namespace ${plan.namespace} does not exist, so the dry run cannot validate ${plan.release} in it`,
        'run `consortia k8s secrets` first: it creates the namespaces along with the Secrets the charts mount',
      );
    }
    throw apiFailure(`reading namespace ${plan.namespace}`, error, clients);
  }
  const rejected: string[] = [];
  for (const object of objects) {
    try {
      await applyObject(clients, object, { dryRun: true });
    } catch (error) {
      const status = httpStatus(error);
      if (status === undefined || status === 401 || status === 403) {
        throw apiFailure(
          `validating ${String(object.kind)}/${object.metadata?.name ?? ''}`,
          error,
          clients,
        );
      }
      rejected.push(`${String(object.kind)}/${object.metadata?.name ?? ''}: ${apiMessage(error)}`);
    }
  }
  if (rejected.length > 0) {
    throw new UserError(
      `the API server rejected ${rejected.length} object(s) of ${plan.release} (${plan.chart}):\n${rejected
        .slice(0, 5)
        .map((line) => `  ${line}`)
        .join('\n')}${rejected.length > 5 ? `\n  ... and ${rejected.length - 5} more` : ''}`,
      `fix the values of ${plan.chart} (values-<cloud>.yaml or --values) that produce them, and re-run the dry run`,
    );
  }
}

export async function deploy(
  clients: KubeClients,
  options: DeployOptions,
  helm: HelmRunner,
  progress: (line: string) => void,
): Promise<DeployResult> {
  const plans = planReleases(options);
  const releases: DeployResult['releases'] = [];
  for (const plan of plans) {
    progress(
      `${options.dryRun ? 'validating' : 'installing'} ${plan.release} (${plan.chart}) in ${plan.namespace}`,
    );
    // a vendored library chart older than its source is packed again by --dependency-update
    dropStaleDependencies(chartDir(options.chartsDir, plan.kind));
    const result = await helm(plan.args);
    if (result.code !== 0) throw helmFailure(plan, result);
    let objects = 0;
    if (options.dryRun) {
      const rendered = renderedObjects(plan, result.stdout);
      await serverDryRun(clients, plan, rendered);
      objects = rendered.length;
    }
    releases.push({ release: plan.release, namespace: plan.namespace, chart: plan.chart, objects });
  }
  if (options.dryRun) return { releases, workloads: [] };

  progress(
    `waiting up to ${Math.round(options.timeoutMs / 1000)} s for the workloads to become available`,
  );
  const rollout = await waitForRollout(
    clients,
    plans.map((plan) => ({
      namespace: plan.namespace,
      labelSelector: `app.kubernetes.io/instance=${plan.release}`,
    })),
    {
      timeoutMs: options.timeoutMs,
      onChange: (workload) =>
        progress(
          `  ${workload.kind.toLowerCase()} ${workload.namespace}/${workload.name}: ${workload.summary}`,
        ),
    },
  );
  if (!rollout.ready) {
    const failing = rollout.workloads.filter((workload) => !workload.ready);
    for (const workload of failing) {
      progress(formatDiagnosis(await diagnose(clients, workload)));
    }
    throw new UserError(
      `${failing.length} workload(s) not available after ${Math.round(options.timeoutMs / 1000)} s: ${failing
        .map((workload) => `${workload.namespace}/${workload.name} (${workload.summary})`)
        .join(', ')}`,
      'read the events and log lines above; fix the cause (image, Secret, storage, values) and re-run deploy, or raise --timeout if the cluster is merely slow',
    );
  }
  return { releases, workloads: rollout.workloads };
}
