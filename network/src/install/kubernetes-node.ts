// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../errors';
import { findOnPath, runCommand } from '../process/run-command';
import type { Component, InstallContext } from './component';
import { allExecutable, readInstallRecord, writeInstallRecord } from './component';
import { goBuildInModule } from './go-install';
import { KUBERNETES_VERSION, apiServerGoMod, apiServerLdflags } from './kubernetes';
import { componentDir } from './paths';

/** Versions of the node's pieces; each is served by the Go module proxy at exactly this tag. */
export const CONTAINERD_VERSION = 'v2.4.2';
export const RUNC_VERSION = 'v1.3.0';
export const CNI_PLUGINS_VERSION = 'v1.10.0';
export const COREDNS_VERSION = 'v1.12.1';

/** One string naming every piece, so a change of any version rebuilds the node. */
export const NODE_RECORD_VERSION = [
  `kubernetes-${KUBERNETES_VERSION}`,
  `containerd-${CONTAINERD_VERSION}`,
  `runc-${RUNC_VERSION}`,
  `cni-${CNI_PLUGINS_VERSION}`,
  `coredns-${COREDNS_VERSION}`,
].join('+');

export const NODE_KUBERNETES_PROGRAMS = [
  'kubelet',
  'kube-controller-manager',
  'kube-scheduler',
  'kube-proxy',
] as const;
export const NODE_RUNTIME_PROGRAMS = ['containerd', 'containerd-shim-runc-v2', 'ctr'] as const;
export const NODE_PROGRAMS = [
  ...NODE_KUBERNETES_PROGRAMS,
  ...NODE_RUNTIME_PROGRAMS,
  'runc',
  'coredns',
  'pause',
] as const;
export type NodeProgram = (typeof NODE_PROGRAMS)[number];

/** The CNI reference plugins the node's network configuration uses. */
export const CNI_PLUGINS = {
  bridge: 'plugins/main/bridge',
  'host-local': 'plugins/ipam/host-local',
  loopback: 'plugins/main/loopback',
  portmap: 'plugins/meta/portmap',
} as const;

export function kubernetesNodeDir(home: string): string {
  return componentDir(home, 'kubernetes-node', KUBERNETES_VERSION);
}

export function nodeBinary(home: string, program: NodeProgram): string {
  return path.join(kubernetesNodeDir(home), 'bin', program);
}

export function cniBinDir(home: string): string {
  return path.join(kubernetesNodeDir(home), 'bin', 'cni');
}

/** A wrapper module requiring one module at one version (none of these has replace directives). */
export function singleModuleGoMod(name: string, module: string, version: string): string {
  return `module consortia.local/${name}-build\n\ngo 1.26.0\n\nrequire ${module} ${version}\n`;
}

/**
 * runc enforces seccomp profiles (pods that ask for RuntimeDefault, as the charts do) only when
 * built with the seccomp tag, which compiles against libseccomp through cgo.
 */
export function seccompHeadersPresent(
  includeDirs = ['/usr/include', '/usr/local/include'],
): boolean {
  return includeDirs.some((dir) => fs.existsSync(path.join(dir, 'seccomp.h')));
}

export function checkRuncPrerequisites(env: NodeJS.ProcessEnv): void {
  if (!findOnPath('gcc', env)) {
    throw new UserError(
      'runc is built with cgo and needs a C compiler: gcc is not on PATH',
      'install it (e.g. `apt-get install gcc`)',
    );
  }
  if (!seccompHeadersPresent()) {
    throw new UserError(
      'runc needs the libseccomp headers (seccomp.h) to enforce the pods’ seccomp profiles',
      'install the Debian package libseccomp-dev (`apt-get install libseccomp-dev`)',
    );
  }
}

interface Piece {
  label: string;
  outputs: string[];
  build: (context: InstallContext) => Promise<void>;
}

function pieces(home: string): Piece[] {
  const dir = kubernetesNodeDir(home);
  const bin = path.join(dir, 'bin');
  const src = (name: string) => path.join(dir, 'src', name);
  return [
    {
      label: 'kubelet and control-plane controllers',
      outputs: NODE_KUBERNETES_PROGRAMS.map((name) => path.join(bin, name)),
      build: (context) =>
        goBuildInModule(
          {
            label: 'kubernetes-node',
            srcDir: src('kubernetes'),
            goMod: apiServerGoMod(),
            packages: NODE_KUBERNETES_PROGRAMS.map((name) => `k8s.io/kubernetes/cmd/${name}`),
            output: `${bin}/`,
            ldflags: apiServerLdflags(),
          },
          context,
        ),
    },
    {
      label: 'pause',
      outputs: [path.join(bin, 'pause')],
      build: (context) => buildPause(path.join(bin, 'pause'), context),
    },
    {
      label: 'runc',
      outputs: [path.join(bin, 'runc')],
      build: async (context) => {
        checkRuncPrerequisites(context.env);
        await goBuildInModule(
          {
            label: 'runc',
            srcDir: src('runc'),
            goMod: singleModuleGoMod('runc', 'github.com/opencontainers/runc', RUNC_VERSION),
            packages: ['github.com/opencontainers/runc'],
            output: path.join(bin, 'runc'),
          },
          withBuildFlags(context, ['-tags=seccomp'], { CGO_ENABLED: '1' }),
        );
      },
    },
    {
      label: 'containerd',
      outputs: NODE_RUNTIME_PROGRAMS.map((name) => path.join(bin, name)),
      build: (context) =>
        goBuildInModule(
          {
            label: 'containerd',
            srcDir: src('containerd'),
            goMod: singleModuleGoMod(
              'containerd',
              'github.com/containerd/containerd/v2',
              CONTAINERD_VERSION,
            ),
            packages: NODE_RUNTIME_PROGRAMS.map(
              (name) => `github.com/containerd/containerd/v2/cmd/${name}`,
            ),
            output: `${bin}/`,
            ldflags: `-X github.com/containerd/containerd/v2/version.Version=${CONTAINERD_VERSION}`,
          },
          // the btrfs snapshotter needs btrfs headers and is not used: the node uses overlayfs
          withBuildFlags(context, ['-tags=no_btrfs']),
        ),
    },
    {
      label: 'CNI plugins',
      outputs: Object.keys(CNI_PLUGINS).map((name) => path.join(bin, 'cni', name)),
      build: (context) =>
        goBuildInModule(
          {
            label: 'cni-plugins',
            srcDir: src('cni-plugins'),
            goMod: singleModuleGoMod(
              'cni-plugins',
              'github.com/containernetworking/plugins',
              CNI_PLUGINS_VERSION,
            ),
            packages: Object.values(CNI_PLUGINS).map(
              (pkg) => `github.com/containernetworking/plugins/${pkg}`,
            ),
            output: `${path.join(bin, 'cni')}/`,
          },
          withBuildFlags(context, [], { CGO_ENABLED: '0' }),
        ),
    },
    {
      label: 'CoreDNS',
      outputs: [path.join(bin, 'coredns')],
      build: (context) =>
        goBuildInModule(
          {
            label: 'coredns',
            srcDir: src('coredns'),
            goMod: singleModuleGoMod('coredns', 'github.com/coredns/coredns', COREDNS_VERSION),
            packages: ['github.com/coredns/coredns'],
            output: path.join(bin, 'coredns'),
          },
          // a static binary, so its image needs no C library
          withBuildFlags(context, [], { CGO_ENABLED: '0' }),
        ),
    },
  ];
}

/**
 * Every pod's sandbox process: Kubernetes' own pause.c (shipped in the k8s.io/kubernetes module
 * the kubelet was built from), linked statically so its image is one file.
 */
async function buildPause(output: string, context: InstallContext): Promise<void> {
  if (!findOnPath('gcc', context.env)) {
    throw new UserError('the pause program is C: gcc is not on PATH', 'apt-get install gcc');
  }
  const modCache = await runCommand('go', ['env', 'GOMODCACHE'], { env: context.env });
  const source = path.join(
    modCache.stdout.trim(),
    `k8s.io/kubernetes@${KUBERNETES_VERSION}`,
    'build/pause/linux/pause.c',
  );
  const result = await runCommand(
    'gcc',
    ['-Os', '-static', `-DVERSION=${KUBERNETES_VERSION}`, '-o', output, source],
    { env: context.env },
  );
  if (result.code !== 0) {
    throw new UserError(
      `building pause from ${source} failed: ${result.stderr.trim()}`,
      'a static link needs the C library archive (Debian package libc6-dev)',
    );
  }
}

/** Adds `go build` flags through GOFLAGS, keeping the machine's own. */
function withBuildFlags(
  context: InstallContext,
  flags: string[],
  extraEnv: Record<string, string> = {},
): InstallContext {
  const goflags = [context.env.GOFLAGS ?? '', ...flags].join(' ').trim();
  return { ...context, env: { ...context.env, ...extraEnv, GOFLAGS: goflags } };
}

export const kubernetesNodeComponent: Component = {
  name: 'kubernetes-node',
  version: NODE_RECORD_VERSION,
  summary:
    `kubelet, kube-controller-manager, kube-scheduler, kube-proxy ${KUBERNETES_VERSION}, ` +
    `containerd ${CONTAINERD_VERSION}, runc ${RUNC_VERSION}, CNI plugins ${CNI_PLUGINS_VERSION} ` +
    `and CoreDNS ${COREDNS_VERSION}: a real single-node cluster for tests`,
  prerequisites: ['go'],

  isInstalled(home) {
    const dir = kubernetesNodeDir(home);
    return (
      readInstallRecord(dir)?.version === NODE_RECORD_VERSION &&
      allExecutable(path.join(dir, 'bin'), NODE_PROGRAMS) &&
      allExecutable(cniBinDir(home), Object.keys(CNI_PLUGINS))
    );
  },

  /** Each piece is built once: a retry after one failure keeps what the others built. */
  async install(context: InstallContext) {
    const dir = kubernetesNodeDir(context.home);
    fs.mkdirSync(cniBinDir(context.home), { recursive: true });
    for (const piece of pieces(context.home)) {
      const present = piece.outputs.every((file) =>
        allExecutable(path.dirname(file), [path.basename(file)]),
      );
      if (present) {
        context.progress(`${piece.label}: already built`);
        continue;
      }
      await piece.build(context);
    }
    writeInstallRecord(dir, 'kubernetes-node', NODE_RECORD_VERSION);
  },
};
