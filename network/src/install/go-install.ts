// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../errors';
import { runCommand } from '../process/run-command';
import type { InstallContext } from './component';
import { throttled } from './component';
import { installLogDir } from './paths';

export interface GoInstallRequest {
  /** Package paths, each installed at `version`. */
  packages: readonly string[];
  version: string;
  binDir: string;
  /** Label used in progress lines and the log file name. */
  label: string;
  /** What to do when the module proxy refuses the module. */
  refusedHint?: string;
}

/**
 * Builds Go programs with `go install pkg@version` into binDir, through the Go module proxy
 * configured on the machine. A proxy that refuses the module is reported as such, since no
 * retry will help.
 */
export async function goInstall(request: GoInstallRequest, context: InstallContext): Promise<void> {
  const logFile = path.join(installLogDir(context.home), `${request.label}.log`);
  const show = throttled((line) => context.progress(line));
  const targets = request.packages.map((pkg) => `${pkg}@${request.version}`);
  context.progress(
    `go install ${targets.length} program(s) at ${request.version} (log: ${logFile})`,
  );
  const result = await runCommand('go', ['install', ...targets], {
    env: { ...context.env, GOBIN: request.binDir },
    logFile,
    onLine: show,
  });
  if (result.code === 0) return;
  throw goFailure({
    what: `go install of ${request.label}`,
    refusal: `the Go module proxy refused to serve ${request.label} at ${request.version}`,
    output: `${result.stdout}\n${result.stderr}`,
    logFile,
    refusedHint: request.refusedHint,
  });
}

/**
 * The error for a failed `go` build: a module proxy refusal is named as such (no retry helps),
 * anything else shows the tail of the output.
 */
export function goFailure(failure: {
  what: string;
  refusal: string;
  output: string;
  logFile: string;
  refusedHint?: string;
}): UserError {
  const { what, refusal, output, logFile, refusedHint } = failure;
  const refused = output
    .split('\n')
    .find((line) => /40[34] Forbidden|410 Gone|not available/i.test(line));
  if (refused) {
    return new UserError(
      `${refusal}: ${refused.trim()}`,
      `${refusedHint ?? 'the proxy configured for `go` (GOPROXY) must serve this module'}; log: ${logFile}`,
    );
  }
  const tail = output.trim().split('\n').slice(-15).join('\n');
  return new UserError(`${what} failed:\n${tail}`, `see the full log: ${logFile}`);
}

export interface ModuleBuild {
  label: string;
  /** Directory of the wrapper module; created, and its go.mod and go.sum written, here. */
  srcDir: string;
  goMod: string;
  /** go.sum lines known in advance, so the module's content is checked against them. */
  goSum?: string;
  packages: readonly string[];
  /** A file for one package, or a directory (ending in '/') for several. */
  output: string;
  ldflags?: string;
  /** What the module proxy refusing a module means here. */
  refusal?: string;
  refusedHint?: string;
}

/**
 * Builds programs with `go build` inside a generated wrapper module that requires them. Unlike
 * `go install pkg@version`, this honours a module's pinned pseudo-version without asking the proxy
 * to resolve it, works for modules whose go.mod has replace directives, and lets one module's
 * dependencies be overridden.
 */
export async function goBuildInModule(build: ModuleBuild, context: InstallContext): Promise<void> {
  fs.mkdirSync(build.srcDir, { recursive: true });
  fs.writeFileSync(path.join(build.srcDir, 'go.mod'), build.goMod);
  fs.writeFileSync(path.join(build.srcDir, 'go.sum'), build.goSum ?? '');
  const logFile = path.join(installLogDir(context.home), `${build.label}.log`);
  context.progress(
    `go build ${build.packages.join(' ')} (slow on a small machine; log: ${logFile})`,
  );
  // -mod=mod lets go resolve and record the dependency graph (go.sum) on the first build
  const flags = build.ldflags ? [`-ldflags=${build.ldflags}`] : [];
  const result = await runCommand(
    'go',
    ['build', '-mod=mod', ...flags, '-o', build.output, ...build.packages],
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
    refusal: build.refusal ?? `the Go module proxy refused a module needed by ${build.label}`,
    output: `${result.stdout}\n${result.stderr}`,
    logFile,
    refusedHint: build.refusedHint,
  });
}
