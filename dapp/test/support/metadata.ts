// SPDX-License-Identifier: Apache-2.0
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import type { ChaincodeMetadata } from '../../src/fabric/metadata';

const chaincodeDir = path.resolve(__dirname, '..', '..', '..', 'chaincode');
let cached: ChaincodeMetadata | undefined;

/**
 * The real contract metadata of the consortium chaincode, produced from its compiled dist/ the
 * way the chaincode server produces what GetMetadata returns (chaincode/test/support/metadata-probe.cjs).
 * Compiles the chaincode first when dist/ is missing.
 */
export function chaincodeMetadata(): ChaincodeMetadata {
  if (cached) return cached;
  const env = { ...process.env };
  delete env.NODE_V8_COVERAGE;
  if (!fs.existsSync(path.join(chaincodeDir, 'dist', 'index.js'))) {
    execFileSync('npx', ['tsc', '-b', chaincodeDir], { env, stdio: 'ignore' });
  }
  const output = execFileSync(
    process.execPath,
    [path.join(chaincodeDir, 'test', 'support', 'metadata-probe.cjs')],
    { cwd: chaincodeDir, env, encoding: 'utf8' },
  );
  const { metadata } = JSON.parse(output) as { metadata: ChaincodeMetadata };
  cached = metadata;
  return metadata;
}
