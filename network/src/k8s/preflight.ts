// SPDX-License-Identifier: Apache-2.0
import { UserError } from '../errors';
import type { KubeClients } from './client';
import { apiFailure, apiMessage, httpStatus, isNotFound } from './client';
import type { Cloud, OrgLayout, ReleaseKind } from './naming';
import { CHART_OF } from './naming';
import { chartDir, classSettings, effectiveValues, scopedFor, valuesFiles } from './values';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** The fix, for a failed check. */
  hint?: string;
}

export interface PreflightOptions {
  layout: OrgLayout;
  cloud: Cloud;
  chartsDir: string;
  /** Whether the org also runs the ordering service. */
  ordering: boolean;
  extraValues?: readonly string[];
}

export interface PreflightReport {
  server: string;
  version: string;
  checks: Check[];
}

/** What the charts create in each namespace, as (API group, resource) pairs. */
export const REQUIRED_RESOURCES: readonly { group: string; resource: string }[] = [
  { group: 'apps', resource: 'deployments' },
  { group: 'apps', resource: 'statefulsets' },
  { group: '', resource: 'services' },
  { group: '', resource: 'secrets' },
  { group: '', resource: 'configmaps' },
  { group: 'networking.k8s.io', resource: 'ingresses' },
  { group: 'autoscaling', resource: 'horizontalpodautoscalers' },
  { group: 'policy', resource: 'poddisruptionbudgets' },
  { group: 'networking.k8s.io', resource: 'networkpolicies' },
  { group: 'batch', resource: 'jobs' },
];

/** What deploy and status read while they watch and diagnose. */
export const REQUIRED_READS: readonly { group: string; resource: string; verb: string }[] = [
  { group: 'apps', resource: 'deployments', verb: 'watch' },
  { group: '', resource: 'pods', verb: 'list' },
  { group: '', resource: 'events', verb: 'list' },
];

export function targetKinds(ordering: boolean): ReleaseKind[] {
  return ordering ? ['ordering', 'blockchain', 'application'] : ['blockchain', 'application'];
}

function resourceName(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

export async function serverVersion(clients: KubeClients): Promise<string> {
  try {
    const info = await clients.version.getCode();
    return info.gitVersion;
  } catch (error) {
    throw apiFailure('reading the server version', error, clients);
  }
}

async function allowed(
  clients: KubeClients,
  attributes: { namespace?: string; verb: string; group: string; resource: string },
): Promise<{ allowed: boolean; reason?: string }> {
  try {
    const review = await clients.authz.createSelfSubjectAccessReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: attributes },
      },
    });
    return { allowed: review.status?.allowed === true, reason: review.status?.reason };
  } catch (error) {
    throw apiFailure('asking the API server for access reviews', error, clients);
  }
}

async function rbacChecks(clients: KubeClients, options: PreflightOptions): Promise<Check[]> {
  const namespaces = [
    ...new Set(targetKinds(options.ordering).map((kind) => options.layout.namespaces[kind])),
  ];
  const checks: Check[] = [];
  const missingNamespaces: string[] = [];
  for (const namespace of namespaces) {
    try {
      await clients.core.readNamespace({ name: namespace });
    } catch (error) {
      if (isNotFound(error)) missingNamespaces.push(namespace);
      else if (httpStatus(error) !== 403)
        throw apiFailure(`reading namespace ${namespace}`, error, clients);
    }
  }
  if (missingNamespaces.length > 0) {
    const review = await allowed(clients, { verb: 'create', group: '', resource: 'namespaces' });
    checks.push({
      name: 'create namespaces',
      ok: review.allowed,
      detail: `${missingNamespaces.join(', ')} ${missingNamespaces.length > 1 ? 'do' : 'does'} not exist yet`,
      hint: review.allowed
        ? undefined
        : `ask a cluster admin to create ${missingNamespaces.map((namespace) => `\`kubectl create namespace ${namespace}\``).join(' and ')}`,
    });
  }
  for (const namespace of namespaces) {
    const missing: string[] = [];
    const wanted = [
      ...REQUIRED_RESOURCES.map((entry) => ({ ...entry, verb: 'create' })),
      ...REQUIRED_READS,
    ];
    const reviews = await Promise.all(
      wanted.map((entry) => allowed(clients, { namespace, ...entry })),
    );
    wanted.forEach((entry, index) => {
      if (!reviews[index]?.allowed) {
        missing.push(`${entry.verb} ${resourceName(entry.group, entry.resource)}`);
      }
    });
    checks.push({
      name: `rights in ${namespace}`,
      ok: missing.length === 0,
      detail:
        missing.length === 0
          ? `may create ${REQUIRED_RESOURCES.map((entry) => entry.resource).join(', ')}`
          : `missing: ${missing.join(', ')}`,
      hint:
        missing.length === 0
          ? undefined
          : `have a cluster admin bind a role granting these rights, e.g. \`kubectl create rolebinding consortia-deployer --clusterrole=admin --user=<you> -n ${namespace}\``,
    });
  }
  return checks;
}

async function classChecks(clients: KubeClients, options: PreflightOptions): Promise<Check[]> {
  const storage = new Map<string, string[]>();
  const ingress = new Map<string, string[]>();
  for (const kind of targetKinds(options.ordering)) {
    const chart = chartDir(options.chartsDir, kind);
    const files = valuesFiles(
      options.chartsDir,
      kind,
      options.cloud,
      scopedFor(kind, options.extraValues ?? []),
    );
    const settings = classSettings(effectiveValues(chart, files));
    for (const setting of settings.storage) {
      storage.set(setting.name, [
        ...(storage.get(setting.name) ?? []),
        `${CHART_OF[kind]}:${setting.path}`,
      ]);
    }
    for (const setting of settings.ingress) {
      ingress.set(setting.name, [
        ...(ingress.get(setting.name) ?? []),
        `${CHART_OF[kind]}:${setting.path}`,
      ]);
    }
  }
  const checks: Check[] = [];
  for (const [name, where] of storage) {
    checks.push(
      await classCheck(
        'storage class',
        name,
        where,
        () => clients.storage.readStorageClass({ name }),
        async () =>
          (await clients.storage.listStorageClass()).items.map((item) => item.metadata?.name ?? ''),
        options.cloud,
      ),
    );
  }
  for (const [name, where] of ingress) {
    checks.push(
      await classCheck(
        'ingress class',
        name,
        where,
        () => clients.networking.readIngressClass({ name }),
        async () =>
          (await clients.networking.listIngressClass()).items.map(
            (item) => item.metadata?.name ?? '',
          ),
        options.cloud,
      ),
    );
  }
  return checks;
}

async function classCheck(
  label: string,
  name: string,
  where: readonly string[],
  read: () => Promise<unknown>,
  list: () => Promise<string[]>,
  cloud: Cloud,
): Promise<Check> {
  const check = { name: `${label} ${name}`, detail: `used by ${where.join(', ')}` };
  try {
    await read();
    return { ...check, ok: true };
  } catch (error) {
    if (!isNotFound(error)) {
      return {
        ...check,
        ok: false,
        detail: `cannot read it: ${apiMessage(error)}`,
        hint:
          httpStatus(error) === 403
            ? `grant get on ${label === 'storage class' ? 'storageclasses.storage.k8s.io' : 'ingressclasses.networking.k8s.io'}`
            : undefined,
      };
    }
    let existing: string[] = [];
    try {
      existing = (await list()).filter(Boolean);
    } catch {
      // listing is only a courtesy for the hint
    }
    const kindName = label === 'storage class' ? 'StorageClass' : 'IngressClass';
    return {
      ...check,
      ok: false,
      detail: `not found in the cluster (${check.detail})`,
      hint:
        `create the ${kindName} '${name}', or set ${where.map((entry) => entry.split(':')[1]).join(' / ')} in a --values file` +
        (existing.length > 0 ? ` to one of: ${existing.join(', ')}` : '') +
        ` (values-${cloud}.yaml expects it)`,
    };
  }
}

/** Runs every check; the caller decides how to show them and whether to fail. */
export async function preflight(
  clients: KubeClients,
  options: PreflightOptions,
): Promise<PreflightReport> {
  const version = await serverVersion(clients);
  const checks: Check[] = [
    { name: 'API server', ok: true, detail: `${clients.server} runs Kubernetes ${version}` },
  ];
  checks.push(...(await rbacChecks(clients, options)));
  checks.push(...(await classChecks(clients, options)));
  return { server: clients.server, version, checks };
}

/** Fails with every failed check and its fix. */
export function assertPassed(report: PreflightReport): void {
  const failed = report.checks.filter((check) => !check.ok);
  if (failed.length === 0) return;
  throw new UserError(
    `preflight failed: ${failed.map((check) => `${check.name} (${check.detail})`).join('; ')}`,
    failed
      .map((check) => check.hint)
      .filter((hint): hint is string => Boolean(hint))
      .join('; '),
  );
}
