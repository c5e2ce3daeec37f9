// SPDX-License-Identifier: Apache-2.0
// Finding an organization's crypto material under whatever directory the caller names.
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../../errors';
import type { OrgLayout } from '../naming';

/** Where cryptogen (or the local network) left an organization's crypto material. */
export interface OrgCrypto {
  /** peerOrganizations/<domain> */
  orgDir: string;
  /** ordererOrganizations/<domain>, when present alongside. */
  ordererOrgDir?: string;
}

/** Accepts the org's own crypto folder or any directory above it (a network state dir). */
export function locateOrgCrypto(from: string, layout: OrgLayout): OrgCrypto {
  const root = path.resolve(from);
  if (!isDir(root)) {
    throw new UserError(
      `${from} is not a directory`,
      'pass --from the network state directory or the org MSP folder',
    );
  }
  if (isOrgDir(root)) {
    const sibling = path.join(path.dirname(path.dirname(root)), 'ordererOrganizations');
    return { orgDir: root, ordererOrgDir: firstChild(sibling) };
  }
  if (isDir(path.join(root, 'signcerts'))) {
    throw new UserError(
      `${from} is a single identity's MSP; the Secrets need the whole organization`,
      'pass --from the organization folder (peerOrganizations/<domain>) or the network state directory',
    );
  }
  for (const peerOrgs of findDirsNamed(root, 'peerOrganizations')) {
    for (const entry of fs.readdirSync(peerOrgs)) {
      const candidate = path.join(peerOrgs, entry);
      if (matchesOrg(entry, layout.org, layout.slug) && isOrgDir(candidate)) {
        return {
          orgDir: candidate,
          ordererOrgDir: firstChild(path.join(path.dirname(peerOrgs), 'ordererOrganizations')),
        };
      }
    }
  }
  throw new UserError(
    `no crypto material for ${layout.org} under ${from}`,
    `pass --from the network state directory (holding peerOrganizations/${layout.slug}.<domain>) or that folder itself; generate it first if the network has never run`,
  );
}

export function isDir(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function isOrgDir(dir: string): boolean {
  return (
    isDir(path.join(dir, 'msp')) &&
    (isDir(path.join(dir, 'peers')) || isDir(path.join(dir, 'users')))
  );
}

/** Breadth-first search for directories named `name`, a few levels deep. */
function findDirsNamed(root: string, name: string, depth = 5): string[] {
  const found: string[] = [];
  let level = [root];
  for (let i = 0; i <= depth && level.length > 0; i++) {
    const next: string[] = [];
    for (const dir of level) {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries) {
        if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.'))
          continue;
        const child = path.join(dir, entry.name);
        if (entry.name === name) found.push(child);
        else next.push(child);
      }
    }
    level = next;
  }
  return found;
}

/** Whether a directory name such as org1.example.com belongs to the org (Org1, org1.example.com). */
function matchesOrg(dirName: string, org: string, slug: string): boolean {
  const lower = dirName.toLowerCase();
  return lower === org.toLowerCase() || lower.split('.')[0] === slug;
}

function firstChild(dir: string): string | undefined {
  if (!isDir(dir)) return undefined;
  const child = fs
    .readdirSync(dir)
    .sort()
    .map((entry) => path.join(dir, entry))
    .find(isDir);
  return child;
}
