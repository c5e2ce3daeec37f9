// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import type { Component, InstallContext } from './component';
import { allExecutable, readInstallRecord, writeInstallRecord } from './component';
import { goBuildInModule } from './go-install';
import { componentDir } from './paths';

/** Prometheus 3.16.0; Prometheus 3.x publishes its Go module as v0.3XX.Y. */
export const PROMETHEUS_MODULE_VERSION = 'v0.316.0';
export const PROMETHEUS_VERSION = '3.16.0';

export const PROMETHEUS_PROGRAMS = ['prometheus', 'promtool'] as const;

/** Prometheus's own build tag that keeps only static, file and HTTP service discovery. */
export const PROMETHEUS_BUILD_TAGS = ['remove_all_sd'] as const;

export function prometheusDir(home: string): string {
  return componentDir(home, 'prometheus', PROMETHEUS_VERSION);
}

export function prometheusBinary(
  home: string,
  program: (typeof PROMETHEUS_PROGRAMS)[number],
): string {
  return path.join(prometheusDir(home), 'bin', program);
}

/**
 * The wrapper module requiring Prometheus; built in a module of its own (not `go install`) so the
 * version can be stamped and the dependency graph recorded once.
 */
export function prometheusGoMod(): string {
  return [
    'module consortia.local/prometheus-build',
    '',
    'go 1.26.0',
    '',
    `require github.com/prometheus/prometheus ${PROMETHEUS_MODULE_VERSION}`,
    '',
  ].join('\n');
}

/** A plain `go build` leaves the version empty, which `prometheus --version` and build_info show. */
export function prometheusLdflags(): string {
  const pkg = 'github.com/prometheus/common/version';
  return [
    `-X ${pkg}.Version=${PROMETHEUS_VERSION}`,
    `-X ${pkg}.Revision=${PROMETHEUS_MODULE_VERSION}`,
    `-X ${pkg}.Branch=module`,
    `-X ${pkg}.BuildUser=consortia`,
  ].join(' ');
}

/**
 * Prometheus and promtool, for checking the monitoring configuration and rules and for running
 * Prometheus against a local network. The web UI's assets are built by npm in Prometheus's own
 * repository and are not part of the Go module, so the server is built without them: the HTTP API
 * (queries, targets, rules, alerts) is complete, the browser UI is not served. Service discovery
 * is limited to static, file and HTTP targets (kubernetes_sd and the clouds' are left out).
 */
export const prometheusComponent: Component = {
  name: 'prometheus',
  version: PROMETHEUS_VERSION,
  summary: `Prometheus ${PROMETHEUS_VERSION} and promtool (HTTP API, no web UI), for monitoring`,
  prerequisites: ['go'],

  isInstalled(home) {
    const dir = prometheusDir(home);
    return (
      readInstallRecord(dir)?.version === PROMETHEUS_VERSION &&
      allExecutable(path.join(dir, 'bin'), PROMETHEUS_PROGRAMS)
    );
  },

  async install(context: InstallContext) {
    const dir = prometheusDir(context.home);
    fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
    // Static and file-based discovery are all a local network needs; leaving out the cloud
    // providers' discovery (and their SDKs) makes the build several times faster and smaller.
    const goFlags = [context.env.GOFLAGS, `-tags=${PROMETHEUS_BUILD_TAGS.join(',')}`];
    await goBuildInModule(
      {
        label: 'prometheus',
        srcDir: path.join(dir, 'src'),
        goMod: prometheusGoMod(),
        packages: PROMETHEUS_PROGRAMS.map((name) => `github.com/prometheus/prometheus/cmd/${name}`),
        output: `${path.join(dir, 'bin')}/`,
        ldflags: prometheusLdflags(),
      },
      { ...context, env: { ...context.env, GOFLAGS: goFlags.filter(Boolean).join(' ') } },
    );
    writeInstallRecord(dir, 'prometheus', PROMETHEUS_VERSION);
  },
};
