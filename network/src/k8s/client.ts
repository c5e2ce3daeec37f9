// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';

import type {
  AppsV1Api,
  AuthorizationV1Api,
  BatchV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubernetesObject,
  NetworkingV1Api,
  StorageV1Api,
  VersionApi,
} from '@kubernetes/client-node';
import * as k8s from '@kubernetes/client-node';

import { UserError } from '../errors';

/*
 * The commands talk to the API server only through these narrow views of the client, so unit
 * tests can hand in stubs for the few calls each command makes.
 */
export type CoreApi = Pick<
  CoreV1Api,
  | 'readNamespace'
  | 'readNamespacedConfigMap'
  | 'createNamespace'
  | 'listNamespacedPod'
  | 'listNamespacedEvent'
  | 'readNamespacedPodLog'
  | 'listNamespacedService'
  | 'listNamespacedSecret'
  | 'readNamespacedSecret'
  | 'createNamespacedSecret'
  | 'deleteNamespacedSecret'
  | 'createNamespacedConfigMap'
  | 'deleteNamespacedConfigMap'
  | 'connectGetNamespacedServiceProxyWithPath'
>;
export type AppsApi = Pick<AppsV1Api, 'listNamespacedDeployment' | 'listNamespacedStatefulSet'>;
export type BatchApi = Pick<BatchV1Api, 'createNamespacedJob' | 'readNamespacedJob'>;
export type AuthzApi = Pick<AuthorizationV1Api, 'createSelfSubjectAccessReview'>;
export type StorageApi = Pick<StorageV1Api, 'readStorageClass' | 'listStorageClass'>;
export type NetworkingApi = Pick<NetworkingV1Api, 'readIngressClass' | 'listIngressClass'>;
export type DiscoveryApi = Pick<DiscoveryV1Api, 'listNamespacedEndpointSlice'>;
export type VersionInfoApi = Pick<VersionApi, 'getCode'>;

/** Server-side apply of arbitrary objects. */
export interface ObjectApi {
  patch<T extends KubernetesObject>(
    spec: T,
    pretty?: string,
    dryRun?: string,
    fieldManager?: string,
    force?: boolean,
    patchStrategy?: k8s.PatchStrategy,
  ): Promise<T>;
}

/** The client's Watch, typed for what the commands need. */
export interface WatchApi {
  watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (phase: string, object: unknown) => void,
    onDone: (error: unknown) => void,
  ): Promise<AbortController>;
}

export interface KubeTarget {
  /** kubeconfig file; the client's defaults (KUBECONFIG, ~/.kube/config) when absent. */
  kubeconfig?: string;
  context?: string;
}

export interface KubeClients {
  target: KubeTarget;
  /** API server URL, for messages. */
  server: string;
  context: string;
  core: CoreApi;
  apps: AppsApi;
  batch: BatchApi;
  authz: AuthzApi;
  storage: StorageApi;
  networking: NetworkingApi;
  discovery: DiscoveryApi;
  version: VersionInfoApi;
  objects: ObjectApi;
  watch: WatchApi;
}

export const FIELD_MANAGER = 'consortia';

/**
 * Server-side apply of one object as Consortia's field manager, forcing its fields; with
 * `dryRun` the API server validates and admits it without storing anything.
 */
export function applyObject(
  clients: Pick<KubeClients, 'objects'>,
  object: k8s.KubernetesObject,
  options: { dryRun?: boolean } = {},
): Promise<k8s.KubernetesObject> {
  return clients.objects.patch(
    object,
    undefined,
    options.dryRun ? 'All' : undefined,
    FIELD_MANAGER,
    true,
    k8s.PatchStrategy.ServerSideApply,
  );
}

export function loadKubeConfig(target: KubeTarget): k8s.KubeConfig {
  const config = new k8s.KubeConfig();
  if (target.kubeconfig) {
    if (!fs.existsSync(target.kubeconfig)) {
      throw new UserError(
        `kubeconfig ${target.kubeconfig} does not exist`,
        'pass --kubeconfig with the file your cloud CLI wrote (`aws eks update-kubeconfig` or `pks get-credentials`)',
      );
    }
    config.loadFromFile(target.kubeconfig);
  } else {
    config.loadFromDefault();
  }
  if (target.context) {
    if (!config.getContextObject(target.context)) {
      const known = config.getContexts().map((context) => context.name);
      throw new UserError(
        `kubeconfig has no context '${target.context}'`,
        known.length > 0
          ? `pass --context with one of: ${known.join(', ')}`
          : 'the kubeconfig has no contexts; fetch credentials for the cluster first',
      );
    }
    config.setCurrentContext(target.context);
  }
  if (!config.getCurrentCluster()) {
    throw new UserError(
      'no Kubernetes cluster is configured',
      'pass --kubeconfig and --context, or set KUBECONFIG (for EKS: `aws eks update-kubeconfig --name <cluster>`; for PKS: `pks get-credentials <cluster>`)',
    );
  }
  return config;
}

export function connect(target: KubeTarget): KubeClients {
  const config = loadKubeConfig(target);
  const watch = new k8s.Watch(config);
  return {
    target,
    server: config.getCurrentCluster()?.server ?? '(unknown server)',
    context: config.getCurrentContext(),
    core: config.makeApiClient(k8s.CoreV1Api),
    apps: config.makeApiClient(k8s.AppsV1Api),
    batch: config.makeApiClient(k8s.BatchV1Api),
    authz: config.makeApiClient(k8s.AuthorizationV1Api),
    storage: config.makeApiClient(k8s.StorageV1Api),
    networking: config.makeApiClient(k8s.NetworkingV1Api),
    discovery: config.makeApiClient(k8s.DiscoveryV1Api),
    version: config.makeApiClient(k8s.VersionApi),
    objects: k8s.KubernetesObjectApi.makeApiClient(config),
    watch: {
      // the client types the watched object as any; it is narrowed where it is used
      watch: (path, query, onEvent, onDone) =>
        watch.watch(
          path,
          query,
          (phase: string, object: unknown) => onEvent(phase, object),
          onDone,
        ),
    },
  };
}

/** The HTTP status of a failed API call, if it got that far. */
export function httpStatus(error: unknown): number | undefined {
  if (error instanceof k8s.ApiException) return error.code;
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

export function isNotFound(error: unknown): boolean {
  return httpStatus(error) === 404;
}

/** The API server's own explanation (Status.message) or the transport error. */
export function apiMessage(error: unknown): string {
  if (error instanceof k8s.ApiException) {
    const body: unknown = error.body;
    if (typeof body === 'string') {
      try {
        const status = JSON.parse(body) as { message?: unknown };
        if (typeof status.message === 'string') return status.message;
      } catch {
        // not JSON; fall through to the raw text
      }
      return body.trim().split('\n')[0] ?? `HTTP ${error.code}`;
    }
    if (typeof body === 'object' && body !== null && 'message' in body) {
      return String(body.message);
    }
    return `HTTP ${error.code}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Turns an API failure into a UserError whose hint names the fix. */
export function apiFailure(
  what: string,
  error: unknown,
  clients: Pick<KubeClients, 'server'>,
): Error {
  if (error instanceof UserError) return error;
  const status = httpStatus(error);
  const message = apiMessage(error);
  if (status === 401) {
    return new UserError(
      `${what}: the API server at ${clients.server} rejected the credentials (${message})`,
      'refresh the kubeconfig credentials (`aws eks update-kubeconfig` for EKS, `pks get-credentials` for PKS)',
    );
  }
  if (status === 403) {
    return new UserError(
      `${what}: forbidden: ${message}`,
      'run `consortia k8s preflight` to list the missing rights and have a cluster admin grant them',
    );
  }
  if (status === undefined) {
    return new UserError(
      `${what}: cannot reach the API server at ${clients.server}: ${message}`,
      'check --kubeconfig/--context and that this machine can reach the cluster endpoint (VPN, security groups, PKS/EKS endpoint access)',
    );
  }
  return new UserError(`${what}: ${message} (HTTP ${status})`);
}
