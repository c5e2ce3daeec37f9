// SPDX-License-Identifier: Apache-2.0
/**
 * Runs one test suite's process for `npm test`. Mocha waits for every open handle before it exits,
 * so a suite that leaves a socket or a timer behind would hold the whole run until CI's time limit.
 * Once the suite has written its results file, it gets a grace period to exit; after that its
 * whole process group (npm, the shell, mocha and anything they started) is stopped, and the caller
 * is told so it can name the suite in the summary.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export interface SuiteProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The file the suite writes when its tests have ended. */
  resultsFile?: string;
  /** How long the process may live on after resultsFile appears. */
  lingerMs?: number;
  /** How long a stopped group gets between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

export interface SuiteProcessResult {
  code: number;
  /** The process was still running lingerMs after its results were written, and was stopped. */
  lingered: boolean;
}

const POLL_MS = 1000;
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

export function runSuiteProcess(
  command: string,
  args: string[],
  options: SuiteProcessOptions,
): Promise<SuiteProcessResult> {
  const lingerMs = options.lingerMs ?? 60_000;
  const killGraceMs = options.killGraceMs ?? 10_000;
  return new Promise((resolve) => {
    // Its own process group, so that a lingering suite can be stopped with everything it started.
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: 'inherit',
      detached: true,
    });
    let lingered = false;
    let exitCode: number | undefined;
    let groupStopped: Promise<void> | undefined;
    let lingerTimer: NodeJS.Timeout | undefined;
    // A detached group no longer receives the terminal's Ctrl-C: pass it on.
    const forward = (signal: NodeJS.Signals) => {
      if (child.pid !== undefined) signalGroup(child.pid, signal);
    };
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const stopGroup = async (pid: number) => {
      lingered = true;
      signalGroup(pid, 'SIGTERM');
      await new Promise((done) => setTimeout(done, killGraceMs));
      // npm may exit on SIGTERM while what it started does not
      signalGroup(pid, 'SIGKILL');
    };
    const finish = async (code: number) => {
      if (exitCode !== undefined) return;
      exitCode = code;
      clearInterval(poll);
      clearTimeout(lingerTimer);
      await groupStopped;
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      resolve({ code, lingered });
    };
    const poll = setInterval(() => {
      if (!options.resultsFile || !fs.existsSync(options.resultsFile)) return;
      clearInterval(poll);
      lingerTimer = setTimeout(() => {
        if (child.pid !== undefined) groupStopped = stopGroup(child.pid);
      }, lingerMs);
    }, POLL_MS);
    child.once('error', () => void finish(127));
    child.once('exit', (code, signal) => void finish(code ?? (signal ? 128 : 1)));
  });
}
