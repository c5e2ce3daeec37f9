// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

/** The repository this CLI runs from: the same relative place from src/ and dist/. */
export const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');

/** The npm workspaces, in the root package.json's order. */
export function workspaces(): string[] {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8'),
  ) as {
    workspaces: string[];
  };
  return manifest.workspaces;
}

/** The workspaces whose package.json defines the given script. */
export function workspacesWithScript(script: string): string[] {
  return workspaces().filter((workspace) => {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(REPOSITORY_ROOT, workspace, 'package.json'), 'utf8'),
    ) as { scripts?: Record<string, string> };
    return Boolean(manifest.scripts?.[script]);
  });
}

/**
 * What selects exactly one workspace in `npm … -w`: its package name. A path would also select
 * every workspace nested below it (`-w network` runs network/dev's scripts too).
 */
export function workspaceSelector(workspace: string, repo = REPOSITORY_ROOT): string {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(repo, workspace, 'package.json'), 'utf8'),
  ) as { name?: string };
  if (!manifest.name) throw new Error(`${workspace}/package.json has no name`);
  return manifest.name;
}
