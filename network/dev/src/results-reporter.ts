// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import Mocha from 'mocha';

import type { ResultsFile, TestRecord } from './results';

const { EVENT_RUN_END, EVENT_TEST_FAIL, EVENT_TEST_PASS, EVENT_TEST_PENDING } =
  Mocha.Runner.constants;

/**
 * Mocha's spec output for people, plus a JSON file of every outcome for the suite runner
 * (`--reporter-option output=FILE`). Failing hooks count as failed tests, as in mocha's own stats.
 */
class ResultsReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
    super(runner, options);
    const reporterOptions = (options.reporterOptions ?? {}) as Record<string, unknown>;
    const output = typeof reporterOptions.output === 'string' ? reporterOptions.output : undefined;
    const tests: TestRecord[] = [];
    const started = Date.now();
    const record = (test: Mocha.Runnable, state: TestRecord['state'], error?: Error) =>
      tests.push({
        title: test.fullTitle(),
        file: test.file,
        state,
        durationMs: test.duration,
        error: error ? (error.stack ?? error.message) : undefined,
      });
    runner.on(EVENT_TEST_PASS, (test) => record(test, 'passed'));
    runner.on(EVENT_TEST_FAIL, (test, error: Error) => record(test, 'failed', error));
    runner.on(EVENT_TEST_PENDING, (test) => record(test, 'skipped'));
    runner.once(EVENT_RUN_END, () => {
      if (!output) return;
      const count = (state: TestRecord['state']) =>
        tests.filter((test) => test.state === state).length;
      const results: ResultsFile = {
        stats: {
          passed: count('passed'),
          failed: count('failed'),
          skipped: count('skipped'),
          durationMs: Date.now() - started,
        },
        tests,
      };
      fs.mkdirSync(path.dirname(output), { recursive: true });
      fs.writeFileSync(output, `${JSON.stringify(results, null, 2)}\n`);
    });
  }
}

export = ResultsReporter;
