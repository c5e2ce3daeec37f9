// SPDX-License-Identifier: Apache-2.0
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import type { NodePaths } from './layout';

export interface NodeProcess {
  name: string;
  pid: number;
  logFile: string;
}

function pidFile(paths: NodePaths, name: string): string {
  return path.join(paths.pids, `${name}.pid`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a node component detached from the caller, output to logs/<name>.log and its pid in
 * pids/<name>.pid, so a later process (another test run, `consortia k8s node stop`) can stop it.
 */
export function startProcess(
  paths: NodePaths,
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): NodeProcess {
  fs.mkdirSync(paths.logs, { recursive: true });
  fs.mkdirSync(paths.pids, { recursive: true });
  const logFile = path.join(paths.logs, `${name}.log`);
  const log = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log], env });
  fs.closeSync(log);
  child.unref();
  if (child.pid === undefined) throw new Error(`${name} did not start (${command})`);
  fs.writeFileSync(pidFile(paths, name), `${child.pid}\n`);
  return { name, pid: child.pid, logFile };
}

export function readPid(paths: NodePaths, name: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidFile(paths, name), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function logTail(file: string, lines = 25): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isAlive(pid);
}

/** SIGTERM, then SIGKILL after `graceMs`; the pid file goes either way. */
export async function stopProcess(paths: NodePaths, name: string, graceMs = 10_000): Promise<void> {
  const pid = readPid(paths, name);
  if (pid !== undefined && isAlive(pid)) {
    process.kill(pid, 'SIGTERM');
    if (!(await waitGone(pid, graceMs))) {
      process.kill(pid, 'SIGKILL');
      await waitGone(pid, 5_000);
    }
  }
  fs.rmSync(pidFile(paths, name), { force: true });
}

/** Waits for `probe`, failing early with the log's tail when the process has exited. */
export async function waitReady(
  proc: NodeProcess,
  probe: () => Promise<boolean>,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(proc.pid)) {
      throw new Error(`${proc.name} exited:\n${logTail(proc.logFile)}`);
    }
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${proc.name} was not ready in ${timeoutMs / 1000} s:\n${logTail(proc.logFile)}`);
}

/** Processes whose command line contains `needle` (e.g. the node's containerd socket). */
export function processesMentioning(needle: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(needle)) found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found.filter((pid) => pid !== process.pid);
}
