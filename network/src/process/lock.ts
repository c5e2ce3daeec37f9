// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../errors';

/** What the lock file records about the process that holds it. */
export interface LockHolder {
  pid: number;
  /** The kernel's start time of the process (clock ticks since boot), so a reused pid is told apart. */
  processStart?: string;
  startedAt: string;
  stateDir: string;
}

export interface HeldLock {
  file: string;
  release(): void;
}

/**
 * Beside the state dir, not in it: `up` takes only an empty or network state dir, and
 * `down --purge` removes it whole.
 */
export function startLockFile(stateDir: string): string {
  return `${path.resolve(stateDir)}.start.lock`;
}

/** Field 22 of /proc/<pid>/stat; undefined where there is no /proc or no such process. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether the recorded holder still runs: its pid is alive and, where known, started then. */
export function holderAlive(holder: LockHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: alive, but someone else's
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (holder.processStart === undefined) return true;
  const now = processStartTime(holder.pid);
  return now === undefined || now === holder.processStart;
}

function readHolder(file: string): LockHolder | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

function alreadyRunning(holder: LockHolder): UserError {
  return new UserError(
    `consortia start is already running for ${holder.stateDir} (pid ${holder.pid}, since ${holder.startedAt})`,
    `use that one, or stop it first: Ctrl-C in its terminal, or \`kill ${holder.pid}\` (SIGTERM); ` +
      'both stop every process it started',
  );
}

/**
 * Takes the one-per-state-dir lock of `consortia start` (`npm start`): two of them would share,
 * and then stop, each other's processes. A lock left by a process that is gone is taken over.
 */
export function acquireStartLock(stateDir: string): HeldLock {
  const file = startLockFile(stateDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const holder: LockHolder = {
    pid: process.pid,
    processStart: processStartTime(process.pid),
    startedAt: new Date().toISOString(),
    stateDir: path.resolve(stateDir),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written aside, then linked into place: link() fails if the lock exists, so of two
    // starters exactly one wins, and nobody ever reads a half-written lock.
    const pending = `${file}.${process.pid}`;
    fs.writeFileSync(pending, `${JSON.stringify(holder, null, 2)}\n`);
    try {
      fs.linkSync(pending, file);
      return {
        file,
        release: () => {
          // Only our own lock: a later holder's is never removed.
          if (readHolder(file)?.pid === process.pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.rmSync(pending, { force: true });
    }
    const current = readHolder(file);
    if (current && holderAlive(current)) throw alreadyRunning(current);
    // Stale (its process is gone) or unreadable: remove it if it is still the same one, and retry.
    const again = readHolder(file);
    if (JSON.stringify(again) === JSON.stringify(current)) fs.rmSync(file, { force: true });
  }
  const current = readHolder(file);
  throw current
    ? alreadyRunning(current)
    : new UserError(`could not take the lock ${file}`, 'remove it if no consortia start runs');
}
