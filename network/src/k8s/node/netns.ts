// SPDX-License-Identifier: Apache-2.0
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

import { UserError } from '../../errors';
import { findOnPath } from '../../process/run-command';
import type { NodeLayout } from './layout';

/** Programs the node needs on the machine, with the Debian package that brings each. */
export const NODE_HOST_PROGRAMS: Record<string, string> = {
  ip: 'iproute2',
  nsenter: 'util-linux',
  iptables: 'iptables',
  mount: 'mount',
  umount: 'mount',
  openssl: 'openssl',
};

/** Fails with one message naming every missing program and its package. */
export function checkNodeHost(env: NodeJS.ProcessEnv = process.env): void {
  if (process.getuid?.() !== 0) {
    throw new UserError(
      'a Kubernetes node needs root: network namespaces, mounts and cgroups',
      'run as root (or in a container with full capabilities)',
    );
  }
  const missing = Object.keys(NODE_HOST_PROGRAMS).filter((name) => !findOnPath(name, env));
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((name) => NODE_HOST_PROGRAMS[name]))];
    throw new UserError(
      `the node needs ${missing.join(', ')} on PATH`,
      `install the Debian package(s): apt-get install ${packages.join(' ')}`,
    );
  }
}

function ip(args: string[]): string {
  try {
    return execFileSync('ip', args, { stdio: 'pipe' }).toString();
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`ip ${args.join(' ')} failed: ${stderr ?? String(error)}`, { cause: error });
  }
}

function inNetns(layout: NodeLayout, args: string[]): string {
  return ip(['netns', 'exec', layout.netns, ...args]);
}

export function netnsPath(layout: NodeLayout): string {
  return `/run/netns/${layout.netns}`;
}

export function netnsExists(layout: NodeLayout): boolean {
  return fs.existsSync(netnsPath(layout));
}

/**
 * The node's namespace, joined to the machine by a /30 veth pair. The machine routes the pod
 * and service ranges to the node, so tests on the machine reach pods and ClusterIPs directly.
 */
export function createNodeNetwork(layout: NodeLayout): void {
  if (netnsExists(layout)) deleteNodeNetwork(layout);
  ip(['netns', 'add', layout.netns]);
  ip([
    'link',
    'add',
    layout.hostVeth,
    'type',
    'veth',
    'peer',
    'name',
    'eth0',
    'netns',
    layout.netns,
  ]);
  ip(['addr', 'add', `${layout.hostIp}/30`, 'dev', layout.hostVeth]);
  ip(['link', 'set', layout.hostVeth, 'up']);
  inNetns(layout, ['ip', 'link', 'set', 'lo', 'up']);
  inNetns(layout, ['ip', 'addr', 'add', `${layout.nodeIp}/30`, 'dev', 'eth0']);
  inNetns(layout, ['ip', 'link', 'set', 'eth0', 'up']);
  inNetns(layout, ['ip', 'route', 'add', 'default', 'via', layout.hostIp]);
  // forwarding is a per-namespace setting: on for the node, the machine's own is left alone
  inNetns(layout, ['sh', '-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
  ip(['route', 'replace', layout.podCidr, 'via', layout.nodeIp]);
  ip(['route', 'replace', layout.serviceCidr, 'via', layout.nodeIp]);
}

/** Removes the routes, the veth pair and the namespace (with the bridge and pod links in it). */
export function deleteNodeNetwork(layout: NodeLayout): void {
  for (const cidr of [layout.podCidr, layout.serviceCidr]) {
    try {
      ip(['route', 'del', cidr, 'via', layout.nodeIp]);
    } catch {
      // already gone
    }
  }
  try {
    ip(['link', 'del', layout.hostVeth]);
  } catch {
    // already gone, or went with the namespace
  }
  if (netnsExists(layout)) ip(['netns', 'delete', layout.netns]);
}
