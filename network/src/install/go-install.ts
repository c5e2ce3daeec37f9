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
