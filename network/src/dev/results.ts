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
