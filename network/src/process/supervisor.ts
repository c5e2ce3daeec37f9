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
}

export interface DaemonSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  runDir: string;
  logDir: string;
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

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

async function waitUntilGone(record: PidRecord, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isOurs(record)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isOurs(record);
}

export type StopResult = 'stopped' | 'killed' | 'not running';

/** SIGTERM to the process group, then SIGKILL after the grace period; removes the pid file. */
export async function stopDaemon(
  runDir: string,
  name: string,
  graceMs = 10_000,
): Promise<StopResult> {
  const record = readPidRecord(runDir, name);
  let result: StopResult = 'not running';
  if (record && isOurs(record)) {
    signalGroup(record.pid, 'SIGTERM');
    result = 'stopped';
    if (!(await waitUntilGone(record, graceMs))) {
      signalGroup(record.pid, 'SIGKILL');
      await waitUntilGone(record, 5_000);
      result = 'killed';
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
