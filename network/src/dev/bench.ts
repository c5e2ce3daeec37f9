// SPDX-License-Identifier: Apache-2.0
/**
 * `npm run bench`: runs every workspace's `bench` script in turn. Each benchmark writes
 * bench/results/<name>.json at the repository root and prints its own table.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { REPOSITORY_ROOT as ROOT, workspacesWithScript } from '../repository';
import { stopTestNetwork, TEST_NETWORK_ENV } from '../testing/test-network';

async function main(): Promise<void> {
  const withBench = workspacesWithScript('bench');
  if (withBench.length === 0) {
    console.log('no workspace defines a benchmark yet (a `bench` script in its package.json)');
    return;
  }
  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  // The benchmarks that need Fabric share one network, started by the first of them in a fresh
  // state dir and stopped here at the end.
  process.env[TEST_NETWORK_ENV] = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-bench-network-')),
    'network',
  );
  let failed = 0;
  for (const workspace of withBench) {
    process.stderr.write(`\n==> bench: ${workspace}\n`);
    const result = spawnSync('npm', ['run', 'bench', '-w', workspace], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (result.status !== 0) failed++;
  }
  await stopTestNetwork();
  process.exitCode = failed > 0 ? 1 : 0;
}

void main();
