// SPDX-License-Identifier: Apache-2.0
// CPU seconds and peak resident memory of named processes over a benchmark round, read from
// Linux's /proc: /proc/<pid>/stat for user+system time, /proc/<pid>/status for VmRSS, sampled
// during the round because the kernel's own high-water mark (VmHWM) covers the process's life.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface WatchedProcess {
  name: string;
  pid: number;
  /** Count its descendants too (e.g. PostgreSQL's backends under the postmaster). */
  withChildren?: boolean;
}

export interface ProcessUsage {
  name: string;
  pid: number;
  cpuSec: number;
  /** Highest resident set seen in the samples (a tree's members summed; shared pages twice). */
  peakRssMb: number;
}

export interface StatFields {
  ppid: number;
  /** utime + stime of the process itself, in clock ticks. */
  ticks: number;
  /** cutime + cstime: children it has waited for. */
  childTicks: number;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses, so split after its last ')'. */
export function parseStat(text: string): StatFields | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  // Fields from the 3rd (state) on: ppid is the 4th, utime..cstime the 14th..17th.
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/)
    .map(Number);
  const at = (field: number) => fields[field - 3] ?? Number.NaN;
  const result = {
    ppid: at(4),
    ticks: at(14) + at(15),
    childTicks: at(16) + at(17),
  };
  return Object.values(result).every(Number.isFinite) ? result : undefined;
}

/** VmRSS of /proc/<pid>/status in kB (0 for a kernel thread or zombie, which has none). */
export function parseRssKb(text: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return match ? Number(match[1]) : 0;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export class ProcessMonitor {
  private readonly startTicks = new Map<number, number>();
  private readonly startChildTicks = new Map<string, number>();
  /** Per target, its direct children at start and the ticks each had used by then. */
  private readonly startChildren = new Map<string, Map<number, number>>();
  private readonly peakKb = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly targets: readonly WatchedProcess[],
    private readonly options: { sampleMs?: number; procRoot?: string } = {},
  ) {}

  private read(pid: number, file: string): string | undefined {
    try {
      return fs.readFileSync(
        path.join(this.options.procRoot ?? '/proc', String(pid), file),
        'utf8',
      );
    } catch {
      return undefined;
    }
  }

  private stat(pid: number): StatFields | undefined {
    const text = this.read(pid, 'stat');
    return text === undefined ? undefined : parseStat(text);
  }

  /** The target and, when asked, every process below it now. */
  private members(target: WatchedProcess): number[] {
    if (!target.withChildren) return [target.pid];
    const children = new Map<number, number[]>();
    let entries: string[];
    try {
      entries = fs.readdirSync(this.options.procRoot ?? '/proc');
    } catch {
      return [target.pid];
    }
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      const ppid = this.stat(Number(entry))?.ppid;
      if (ppid === undefined) continue;
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    }
    const found = [target.pid];
    // Iterating while appending visits each newly found process too.
    for (const pid of found) found.push(...(children.get(pid) ?? []));
    return found;
  }

  private sampleRss(): void {
    for (const target of this.targets) {
      const kb = this.members(target).reduce(
        (sum, pid) => sum + parseRssKb(this.read(pid, 'status') ?? ''),
        0,
      );
      this.peakKb.set(target.name, Math.max(this.peakKb.get(target.name) ?? 0, kb));
    }
  }

  /** Takes the CPU baseline and starts sampling memory. */
  start(): void {
    this.startTicks.clear();
    this.peakKb.clear();
    this.startChildren.clear();
    for (const target of this.targets) {
      const children = new Map<number, number>();
      for (const pid of this.members(target)) {
        const stat = this.stat(pid);
        this.startTicks.set(pid, stat?.ticks ?? 0);
        if (pid !== target.pid && stat?.ppid === target.pid) children.set(pid, stat.ticks);
      }
      this.startChildren.set(target.name, children);
      this.startChildTicks.set(target.name, this.stat(target.pid)?.childTicks ?? 0);
    }
    this.sampleRss();
    this.timer = setInterval(() => this.sampleRss(), this.options.sampleMs ?? 500);
    this.timer.unref();
  }

  /**
   * What the target's children that ended during the round used in it. They come back in the
   * parent's children's time with all they ever used (a Postgres backend closed after an hour's
   * work, say), so what each had used before the round is taken off.
   */
  private reapedTicks(target: WatchedProcess, members: readonly number[]): number {
    const own = this.stat(target.pid);
    if (!own) return 0;
    let ticks = own.childTicks - (this.startChildTicks.get(target.name) ?? 0);
    const alive = new Set(members);
    for (const [pid, before] of this.startChildren.get(target.name) ?? []) {
      if (!alive.has(pid)) ticks -= before;
    }
    return ticks;
  }

  /** Stops sampling; what each target used since start(). Processes gone meanwhile count 0. */
  stop(): ProcessUsage[] {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sampleRss();
    const hz = clockTicks();
    return this.targets.map((target) => {
      let ticks = 0;
      const members = this.members(target);
      for (const pid of members) {
        const now = this.stat(pid);
        if (now) ticks += now.ticks - (this.startTicks.get(pid) ?? 0);
      }
      if (target.withChildren) ticks += this.reapedTicks(target, members);
      return {
        name: target.name,
        pid: target.pid,
        cpuSec: Math.round((Math.max(0, ticks) / hz) * 100) / 100,
        peakRssMb: Math.round((this.peakKb.get(target.name) ?? 0) / 102.4) / 10,
      };
    });
  }
}
