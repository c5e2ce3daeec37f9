import fs from 'node:fs';
import path from 'node:path';

import { runCommand } from '../process/run-command';
import type { Component, InstallContext } from './component';
import { allExecutable, readInstallRecord, throttled, writeInstallRecord } from './component';
import { goFailure } from './go-install';
import { componentDir, installLogDir } from './paths';

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

interface GoBuild {
  label: string;
  srcDir: string;
  goMod: string;
  pkg: string;
  output: string;
  ldflags?: string;
}

/**
 * A plain `go build` reports v0.0.0-master; helm then refuses charts that set kubeVersion, so
 * the version is stamped as the release scripts would.
 */
export function apiServerLdflags(): string {
  const [major, minor] = KUBERNETES_VERSION.slice(1).split('.');
  return [
    `-X k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION}`,
    `-X k8s.io/component-base/version.gitMajor=${major}`,
    `-X k8s.io/component-base/version.gitMinor=${minor}`,
    '-X k8s.io/component-base/version.gitTreeState=clean',
  ].join(' ');
}

async function goBuild(build: GoBuild, context: InstallContext): Promise<void> {
  fs.mkdirSync(build.srcDir, { recursive: true });
  fs.writeFileSync(path.join(build.srcDir, 'go.mod'), build.goMod);
  const logFile = path.join(installLogDir(context.home), `${build.label}.log`);
  context.progress(`go build ${build.pkg} (slow on a small machine; log: ${logFile})`);
  // -mod=mod lets go resolve and record the dependency graph (go.sum) on the first build
  const flags = build.ldflags ? [`-ldflags=${build.ldflags}`] : [];
  const result = await runCommand(
    'go',
    ['build', '-mod=mod', ...flags, '-o', build.output, build.pkg],
    {
      cwd: build.srcDir,
      env: context.env,
      logFile,
      onLine: throttled((line) => context.progress(line)),
    },
  );
  if (result.code === 0) return;
  throw goFailure({
    what: `go build of ${build.label}`,
    refusal: `the Go module proxy refused a module needed by ${build.label}`,
    output: `${result.stdout}\n${result.stderr}`,
    logFile,
  });
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
    await goBuild(
      {
        label: 'etcd',
        srcDir: path.join(dir, 'src', 'etcd'),
        goMod: etcdGoMod(),
        pkg: 'go.etcd.io/etcd/server/v3',
        output: kubernetesBinary(context.home, 'etcd'),
      },
      context,
    );
    await goBuild(
      {
        label: 'kube-apiserver',
        srcDir: path.join(dir, 'src', 'kube-apiserver'),
        goMod: apiServerGoMod(),
        pkg: 'k8s.io/kubernetes/cmd/kube-apiserver',
        output: kubernetesBinary(context.home, 'kube-apiserver'),
        ldflags: apiServerLdflags(),
      },
      context,
    );
    writeInstallRecord(dir, 'kubernetes', KUBERNETES_VERSION);
  },
};
