// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import net from 'node:net';

import { UserError } from '../errors';

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export interface PortHolder {
  pid: number;
  command: string;
}

/** Socket inodes listening on the port, from the kernel's tables (Linux). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let rows: string[];
    try {
      rows = fs.readFileSync(table, 'utf8').trim().split('\n').slice(1);
    } catch {
      continue;
    }
    for (const row of rows) {
      const fields = row.trim().split(/\s+/);
      const localPort = parseInt(fields[1]?.split(':')[1] ?? '', 16);
      const listening = fields[3] === '0A';
      if (listening && localPort === port && fields[9]) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** Which process listens on a port, when this user may see it; undefined otherwise. */
export function findPortHolder(port: number): PortHolder | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) {
        let command = '';
        try {
          command = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
        } catch {
          // process exited meanwhile
        }
        return { pid: Number(entry), command };
      }
    }
  }
  return undefined;
}

/** Fails naming every port in use and who holds it, before anything is started. */
export async function assertPortsFree(
  uses: readonly { port: number; owner: string }[],
): Promise<void> {
  const busy: string[] = [];
  for (const use of uses) {
    if (await isPortFree(use.port)) continue;
    const holder = findPortHolder(use.port);
    const who = holder ? `pid ${holder.pid} (${holder.command.slice(0, 80)})` : 'another process';
    busy.push(`port ${use.port} (for ${use.owner}) is in use by ${who}`);
  }
  if (busy.length > 0) {
    throw new UserError(
      busy.join('\n'),
      'stop those processes, or pick other ports with --base-port',
    );
  }
}
