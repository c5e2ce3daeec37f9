// SPDX-License-Identifier: Apache-2.0
import { ApiException } from '@kubernetes/client-node';

import type { KubeClients, WatchApi } from '../../../src/k8s/client';

/** An API error as the client raises it for a Status response. */
export function apiError(code: number, message: string): ApiException<string> {
  return new ApiException(
    code,
    `HTTP ${code}`,
    JSON.stringify({ kind: 'Status', message, code }),
    {},
  );
}

type Stubbed = { [K in keyof KubeClients]?: Partial<KubeClients[K]> };

/** Clients whose every call fails loudly unless the test stubs it. */
export function stubClients(stubs: Stubbed): KubeClients {
  const unexpected = (api: string) =>
    new Proxy(
      {},
      {
        get: (_target, method) => () =>
          Promise.reject(new Error(`unexpected call ${api}.${String(method)}`)),
      },
    );
  const api = <T extends object>(name: string, given: Partial<T> | undefined): T =>
    new Proxy(given ?? {}, {
      get: (target, method) =>
        method in target
          ? (target as Record<string | symbol, unknown>)[method]
          : (Reflect.get(unexpected(name), method) as unknown),
    }) as T;
  return {
    target: stubs.target ?? {},
    server: stubs.server ?? 'https://cluster.example:6443',
    context: stubs.context ?? 'test',
    core: api('core', stubs.core),
    apps: api('apps', stubs.apps),
    batch: api('batch', stubs.batch),
    authz: api('authz', stubs.authz),
    storage: api('storage', stubs.storage),
    networking: api('networking', stubs.networking),
    discovery: api('discovery', stubs.discovery),
    version: api('version', stubs.version),
    objects: api('objects', stubs.objects),
    watch: api('watch', stubs.watch),
  };
}

export interface ScriptedWatch extends WatchApi {
  /** Sends an event to every open watch on a path ending with `suffix`. */
  emit(suffix: string, phase: string, object: unknown): void;
  paths: string[];
}

/** A Watch whose events the test sends. */
export function scriptedWatch(): ScriptedWatch {
  const open: { path: string; onEvent: (phase: string, object: unknown) => void }[] = [];
  const paths: string[] = [];
  return {
    paths,
    watch: (path, _query, onEvent) => {
      const entry = { path, onEvent };
      open.push(entry);
      paths.push(path);
      const controller = new AbortController();
      controller.signal.addEventListener('abort', () => open.splice(open.indexOf(entry), 1));
      return Promise.resolve(controller);
    },
    emit: (suffix, phase, object) => {
      for (const entry of [...open]) if (entry.path.endsWith(suffix)) entry.onEvent(phase, object);
    },
  };
}
