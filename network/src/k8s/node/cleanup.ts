// SPDX-License-Identifier: Apache-2.0
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import type { NodeLayout, NodePaths } from './layout';
import { nodeCgroupRoot } from './layout';
import { isAlive, processesMentioning } from './processes';

const CGROUP_FS = '/sys/fs/cgroup';

function quiet(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { stdio: 'pipe' }).toString();
  } catch {
    return '';
  }
}

/** Kills and deletes every container runc still knows under the node's runc root. */
export function deleteContainers(runc: string, paths: NodePaths): void {
  if (!fs.existsSync(paths.runcRoot)) return;
  for (const namespace of fs.readdirSync(paths.runcRoot)) {
    const root = path.join(paths.runcRoot, namespace);
    const ids = quiet(runc, ['--root', root, 'list', '--quiet']).split('\n').filter(Boolean);
    for (const id of ids) quiet(runc, ['--root', root, 'delete', '--force', id]);
  }
}

/** The containerd shims of this node outlive containerd by design; they name its socket. */
export function killShims(paths: NodePaths): void {
  for (const pid of processesMentioning(paths.containerdSocket)) {
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
}

/** Mount points at or below `dir`, deepest first. */
export function mountsUnder(
  dir: string,
  mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8'),
): string[] {
  const points = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined)
    // mountinfo escapes spaces and the like as octal
    .map((point) =>
      point.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))),
    )
    .filter((point) => point === dir || point.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Volumes, overlay roots and network namespace files the kubelet and containerd mounted. */
export function unmountState(paths: NodePaths): void {
  for (const point of mountsUnder(paths.stateDir)) quiet('umount', ['-l', point]);
}

/**
 * The kubelet refuses a cgroup root that does not exist; it is made in every hierarchy, with the
 * cpuset one given its parent's CPUs and memory nodes (a new cpuset cgroup starts with none).
 */
/** cpu.shares of the node's cgroup on cgroup v1: the weight of 8 processes of the root cgroup. */
export const NODE_CPU_SHARES = 8 * 1024;

export function createCgroupRoot(layout: NodeLayout): void {
  if (!fs.existsSync(CGROUP_FS)) return;
  for (const controller of fs.readdirSync(CGROUP_FS)) {
    const parent = path.join(CGROUP_FS, controller);
    if (!fs.existsSync(path.join(parent, 'cgroup.procs'))) continue;
    const dir = path.join(parent, nodeCgroupRoot(layout));
    fs.mkdirSync(dir, { recursive: true });
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      const inherited = path.join(parent, file);
      if (fs.existsSync(inherited))
        fs.writeFileSync(path.join(dir, file), fs.readFileSync(inherited));
    }
    // cgroup v1 weighs the whole node like one process against every process of the machine's
    // root cgroup: on a busy machine its dozen pods would share one process's slice of the CPU
    // (JVMs took minutes to start). The weight of a few busy processes keeps it fair both ways.
    const shares = path.join(dir, 'cpu.shares');
    if (fs.existsSync(shares)) fs.writeFileSync(shares, String(NODE_CPU_SHARES));
  }
}

/** Kills what is left in the node's cgroups and removes them, deepest first. */
export function removeCgroups(layout: NodeLayout): void {
  if (!fs.existsSync(CGROUP_FS)) return;
  for (const controller of fs.readdirSync(CGROUP_FS)) {
    const top = path.join(CGROUP_FS, controller, nodeCgroupRoot(layout));
    if (!fs.existsSync(top)) continue;
    const dirs: string[] = [];
    const walk = (dir: string) => {
      dirs.push(dir);
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(path.join(dir, entry.name));
      }
    };
    walk(top);
    for (const dir of dirs) {
      const procs = path.join(dir, 'cgroup.procs');
      if (!fs.existsSync(procs)) continue;
      for (const pid of fs.readFileSync(procs, 'utf8').split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    for (const dir of dirs.sort((a, b) => b.length - a.length)) {
      try {
        fs.rmdirSync(dir);
      } catch {
        // a process still exiting; the next stop takes it
      }
    }
  }
}
