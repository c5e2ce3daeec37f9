// SPDX-License-Identifier: Apache-2.0
/** One test's outcome, as the test suite runner reads it back. */
export interface TestRecord {
  title: string;
  file?: string;
  state: 'passed' | 'failed' | 'skipped';
  durationMs?: number;
  error?: string;
}

export interface ResultsFile {
  stats: { passed: number; failed: number; skipped: number; durationMs: number };
  tests: TestRecord[];
}

/**
 * The file a workspace's run of a test phase writes into the results dir: `network-unit.json` for
 * `network` and `test:unit`; a nested workspace (`network/dev`) gets a flat name, not a subfolder.
 */
export function resultsFileName(workspace: string, phase: string): string {
  return `${workspace.replaceAll('/', '-')}-${phase.replace('test:', '')}.json`;
}
