// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import type { Component, InstallContext } from './component';
import { allExecutable, readInstallRecord, writeInstallRecord } from './component';
import { goBuildInModule } from './go-install';
import { componentDir } from './paths';

/** The API server used to test the `consortia k8s` commands; its k8s.io staging modules share the minor. */
export const KUBERNETES_VERSION = 'v1.36.3';
const STAGING_VERSION = 'v0.36.3';
/** The etcd release that Kubernetes v1.36 is tested with. */
export const ETCD_VERSION = 'v3.6.8';

/**
 * k8s.io/kubernetes requires its staging modules at v0.0.0 and points them at ./staging, which a
 * dependent module cannot see; each one is pinned to its published release instead.
 */
const STAGING_MODULES = [
  'api',
  'apiextensions-apiserver',
  'apimachinery',
  'apiserver',
  'cli-runtime',
  'client-go',
  'cloud-provider',
  'cluster-bootstrap',
  'code-generator',
  'component-base',
  'component-helpers',
  'controller-manager',
  'cri-api',
  'cri-client',
  'cri-streaming',
  'csi-translation-lib',
  'dynamic-resource-allocation',
  'endpointslice',
  'externaljwt',
  'kms',
  'kube-aggregator',
  'kube-controller-manager',
  'kube-proxy',
  'kube-scheduler',
  'kubectl',
  'kubelet',
  'metrics',
  'mount-utils',
  'pod-security-admission',
  'sample-apiserver',
  'sample-cli-plugin',
  'sample-controller',
  'streaming',
] as const;

export const KUBERNETES_PROGRAMS = ['kube-apiserver', 'etcd'] as const;

export function kubernetesDir(home: string): string {
  return componentDir(home, 'kubernetes', KUBERNETES_VERSION);
}

export function kubernetesBinary(
  home: string,
  program: (typeof KUBERNETES_PROGRAMS)[number],
): string {
  return path.join(kubernetesDir(home), 'bin', program);
}

/** The wrapper module that builds kube-apiserver with every staging module pinned. */
export function apiServerGoMod(): string {
  const replaces = STAGING_MODULES.map(
    (name) => `\tk8s.io/${name} => k8s.io/${name} ${STAGING_VERSION}`,
  );
  return [
    'module consortia.local/kubernetes-build',
    '',
    'go 1.26.0',
    '',
    `require k8s.io/kubernetes ${KUBERNETES_VERSION}`,
    '',
    'replace (',
    ...replaces,
    ')',
    '',
  ].join('\n');
}

/** etcd's own go.mod has replace directives, so `go install module@version` refuses it. */
export function etcdGoMod(): string {
  return [
    'module consortia.local/etcd-build',
    '',
    'go 1.26.0',
    '',
    `require go.etcd.io/etcd/server/v3 ${ETCD_VERSION}`,
    '',
  ].join('\n');
}

/**
 * A plain `go build` reports v0.0.0-master; helm then refuses charts that set kubeVersion, so
 * the version is stamped as the release scripts would.
 */
export function apiServerLdflags(): string {
  const [major, minor] = KUBERNETES_VERSION.slice(1).split('.');
  return [
    `-X k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION}`,
    `-X k8s.io/component-base/version.gitMajor=${String(major)}`,
    `-X k8s.io/component-base/version.gitMinor=${String(minor)}`,
    '-X k8s.io/component-base/version.gitTreeState=clean',
  ].join(' ');
}

export const kubernetesComponent: Component = {
  name: 'kubernetes',
  version: KUBERNETES_VERSION,
  summary: `kube-apiserver ${KUBERNETES_VERSION} and etcd ${ETCD_VERSION}, to test the k8s commands`,
  prerequisites: ['go'],

  isInstalled(home) {
    const dir = kubernetesDir(home);
    return (
      readInstallRecord(dir)?.version === KUBERNETES_VERSION &&
      allExecutable(path.join(dir, 'bin'), KUBERNETES_PROGRAMS)
    );
  },

  async install(context: InstallContext) {
    const dir = kubernetesDir(context.home);
    fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
    await goBuildInModule(
      {
        label: 'etcd',
        srcDir: path.join(dir, 'src', 'etcd'),
        goMod: etcdGoMod(),
        packages: ['go.etcd.io/etcd/server/v3'],
        output: kubernetesBinary(context.home, 'etcd'),
      },
      context,
    );
    await goBuildInModule(
      {
        label: 'kube-apiserver',
        srcDir: path.join(dir, 'src', 'kube-apiserver'),
        goMod: apiServerGoMod(),
        packages: ['k8s.io/kubernetes/cmd/kube-apiserver'],
        output: kubernetesBinary(context.home, 'kube-apiserver'),
        ldflags: apiServerLdflags(),
      },
      context,
    );
    writeInstallRecord(dir, 'kubernetes', KUBERNETES_VERSION);
  },
};
