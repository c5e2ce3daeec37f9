// SPDX-License-Identifier: Apache-2.0
/**
 * `npm run bench`: runs every workspace's `bench` script in turn. Each benchmark writes
 * bench/results/<name>.json at the repository root and prints its own table. Results of an
 * earlier run are removed first, so a benchmark that fails leaves no stale figures behind; the
 * exit status is 1 when any benchmark failed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  REPOSITORY_ROOT as ROOT,
  workspaceSelector,
  workspacesWithScript,
} from '@consortia/network';
import { stopTestNetwork, TEST_NETWORK_ENV } from '@consortia/network/testing';

/** Results written apart from a bench run (`npm run faults`, the event streams' runs), kept. */
const NOT_OURS = /^(faults.*|events)\.json$/;

/** Removes the JSON results and charts of an earlier run; returns the names removed. */
export function removeStaleResults(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const stale = names.filter((name) => /\.(json|svg)$/.test(name) && !NOT_OURS.test(name));
  for (const name of stale) fs.rmSync(path.join(dir, name), { force: true });
  return stale;
}

async function main(): Promise<void> {
  const withBench = workspacesWithScript('bench');
  if (withBench.length === 0) {
    console.log('no workspace defines a benchmark yet (a `bench` script in its package.json)');
    return;
  }
  const results = path.join(ROOT, 'bench', 'results');
  const removed = removeStaleResults(results);
  if (removed.length > 0) process.stderr.write(`removed earlier results: ${removed.join(', ')}\n`);
  fs.mkdirSync(results, { recursive: true });
  // The benchmarks that need Fabric share one network, started by the first of them in a fresh
  // state dir and stopped here at the end.
  process.env[TEST_NETWORK_ENV] = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-bench-network-')),
    'network',
  );
  let failed = 0;
  for (const workspace of withBench) {
    process.stderr.write(`\n==> bench: ${workspace}\n`);
    const result = spawnSync('npm', ['run', 'bench', '-w', workspaceSelector(workspace)], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (result.status !== 0) {
      failed++;
      process.stderr.write(
        `bench ${workspace} failed (exit ${String(result.status ?? result.signal)})\n`,
      );
    }
  }
  await stopTestNetwork();
  process.exitCode = failed > 0 ? 1 : 0;
}

if (require.main === module) void main();
