// SPDX-License-Identifier: Apache-2.0
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** What a pid file records: enough to find the process again and to be sure it is still ours. */
export interface PidRecord {
  name: string;
  pid: number;
  command: string;
  args: string[];
  logFile: string;
  startedAt: string;
  /** How long a stop waits after SIGTERM before SIGKILL; 10 s when not recorded. */
  stopGraceMs?: number;
}

export interface DaemonSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  runDir: string;
  logDir: string;
  /** Time the process needs to shut down cleanly after SIGTERM (default 10 s). */
  stopGraceMs?: number;
}

export function pidFile(runDir: string, name: string): string {
  return path.join(runDir, `${name}.pid`);
}

export function logFile(logDir: string, name: string): string {
  return path.join(logDir, `${name}.log`);
}

/**
 * Starts a long-running process in its own process group, detached from ours, with its output
 * appended to its log file and its pid recorded, so that later commands can find and stop it.
 */
export function startDaemon(spec: DaemonSpec): PidRecord {
  fs.mkdirSync(spec.runDir, { recursive: true });
  fs.mkdirSync(spec.logDir, { recursive: true });
  const log = logFile(spec.logDir, spec.name);
  const fd = fs.openSync(log, 'a');
  fs.writeSync(
    fd,
    `\n--- ${new Date().toISOString()} starting ${spec.command} ${spec.args.join(' ')}\n`,
  );
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
    child.unref();
    const record: PidRecord = {
      name: spec.name,
      pid: child.pid,
      command: spec.command,
      args: spec.args,
      logFile: log,
      startedAt: new Date().toISOString(),
      ...(spec.stopGraceMs === undefined ? {} : { stopGraceMs: spec.stopGraceMs }),
    };
    fs.writeFileSync(pidFile(spec.runDir, spec.name), `${JSON.stringify(record, null, 2)}\n`);
    return record;
  } finally {
    fs.closeSync(fd);
  }
}

export function readPidRecord(runDir: string, name: string): PidRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(pidFile(runDir, name), 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

export function listPidRecords(runDir: string): PidRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(runDir).filter((file) => file.endsWith('.pid'));
  } catch {
    return [];
  }
  return names
    .map((file) => readPidRecord(runDir, file.slice(0, -'.pid'.length)))
    .filter((record): record is PidRecord => record !== undefined);
}

/**
 * True when the recorded process is alive and is still the program we started: a pid can be
 * reused by an unrelated process after ours exits, and that one must never be signalled.
 */
export function isOurs(record: PidRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch {
    return false;
  }
  try {
    const cmdline = fs.readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').split('\0');
    const state = fs.readFileSync(`/proc/${record.pid}/stat`, 'utf8').split(') ')[1]?.[0];
    if (state === 'Z') return false;
    const program = path.basename(record.command);
    return cmdline.some((part) => path.basename(part) === program);
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** Whether a live (not zombie) process is left in the process group the daemon led. */
export function groupAlive(pgid: number): boolean {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    // no /proc: ask the kernel, which counts zombies too
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  return entries.some((entry) => {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // after the command name: state, ppid, pgrp
      const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(group) === pgid && state !== 'Z';
    } catch {
      return false;
    }
  });
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (done()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return done();
}

export type StopResult = 'stopped' | 'killed' | 'not running';

export const DEFAULT_STOP_GRACE_MS = 10_000;
/** How long what a daemon left behind in its process group gets after SIGTERM. */
const LEFTOVER_GRACE_MS = 3_000;

/**
 * Stops a daemon: SIGTERM to the process itself, so it shuts down in its own order (a service
 * drains its work, then stops the Postgres it runs as a child, which must keep serving it until
 * then), SIGKILL to its whole process group after the grace period; then whatever is left in
 * the group gets SIGTERM and, a little later, SIGKILL. Removes the pid file.
 */
export async function stopDaemon(
  runDir: string,
  name: string,
  graceMs?: number,
): Promise<StopResult> {
  const record = readPidRecord(runDir, name);
  let result: StopResult = 'not running';
  if (record && isOurs(record)) {
    signal(record.pid, 'SIGTERM');
    result = 'stopped';
    const grace = graceMs ?? record.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    if (!(await waitUntil(() => !isOurs(record), grace))) {
      signal(-record.pid, 'SIGKILL');
      await waitUntil(() => !isOurs(record), 5_000);
      result = 'killed';
    }
  }
  // Only a group we just saw led by our daemon: a stale pid may name someone else's group now.
  if (record && result !== 'not running' && groupAlive(record.pid)) {
    signal(-record.pid, 'SIGTERM');
    if (!(await waitUntil(() => !groupAlive(record.pid), LEFTOVER_GRACE_MS))) {
      signal(-record.pid, 'SIGKILL');
    }
  }
  fs.rmSync(pidFile(runDir, name), { force: true });
  return result;
}

/** The last lines of a log file, for error messages. */
export function tailFile(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
