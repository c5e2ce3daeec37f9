// SPDX-License-Identifier: Apache-2.0
/**
 * `npm test`: lint, install what the real-network tests need, every workspace's unit tests, then
 * every workspace's integration tests, and a closing `N passed, N failed` line computed from the
 * JSON results that each mocha run writes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  COMPONENTS,
  consortiaHome,
  describeError,
  formatTable,
  installComponents,
  REPOSITORY_ROOT as ROOT,
  workspaces,
  workspaceSelector,
  workspacesWithScript,
} from '@consortia/network';
import {
  sharedTestNetwork,
  stopTestNetwork,
  TEST_NETWORK_ENV,
  testNetworkUnavailable,
} from '@consortia/network/testing';

import type { ResultsFile } from './results';
import { resultsFileName } from './results';
import { runSuiteProcess } from './suite-process';

const REPORTER = path.join(__dirname, 'results-reporter.js');
const PHASES = ['test:unit', 'test:integration'] as const;
/** How long a suite may keep running after its tests ended (see suite-process.ts). */
const LINGER_MS = 60_000;

interface SuiteOutcome {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  seconds: number;
  note?: string;
}

function banner(message: string): void {
  process.stderr.write(`\n==> ${message}\n`);
}

async function runCheck(name: string, command: string, args: string[]): Promise<SuiteOutcome> {
  banner(name);
  const started = Date.now();
  const { code } = await runSuiteProcess(command, args, { cwd: ROOT, env: process.env });
  return {
    name,
    passed: code === 0 ? 1 : 0,
    failed: code === 0 ? 0 : 1,
    skipped: 0,
    seconds: (Date.now() - started) / 1000,
  };
}

async function runMocha(
  workspace: string,
  phase: string,
  resultsDir: string,
): Promise<SuiteOutcome> {
  const name = `${workspace} ${phase.replace('test:', '')}`;
  banner(name);
  const output = path.join(resultsDir, resultsFileName(workspace, phase));
  const started = Date.now();
  const { code, lingered } = await runSuiteProcess(
    'npm',
    [
      'run',
      phase,
      '--silent',
      '-w',
      workspaceSelector(workspace),
      '--',
      '--reporter',
      REPORTER,
      '--reporter-option',
      `output=${output}`,
    ],
    { cwd: ROOT, env: process.env, resultsFile: output, lingerMs: LINGER_MS },
  );
  const seconds = (Date.now() - started) / 1000;
  let results: ResultsFile | undefined;
  try {
    results = JSON.parse(fs.readFileSync(output, 'utf8')) as ResultsFile;
  } catch {
    // mocha never got to write its results: the run itself failed
  }
  if (!results) {
    return { name, passed: 0, failed: 1, skipped: 0, seconds, note: `no results (exit ${code})` };
  }
  const { passed, failed, skipped } = results.stats;
  if (lingered) {
    const note = `stopped ${LINGER_MS / 1000} s after its tests ended: an open handle kept it running`;
    process.stderr.write(`${name}: ${note}\n`);
    return { name, passed, failed, skipped, seconds, note };
  }
  // A clean mocha run that exits non-zero failed something outside the tests, e.g. coverage.
  if (code !== 0 && failed === 0) {
    return {
      name,
      passed,
      failed: 1,
      skipped,
      seconds,
      note: `exit ${code} after the tests (coverage?)`,
    };
  }
  return { name, passed, failed, skipped, seconds };
}

/**
 * Starts the one Fabric network that every integration suite shares, in a fresh state dir named
 * to the suites by CONSORTIA_TEST_NETWORK. A failure to start counts as one failed check; each
 * suite then reports the network as it finds it.
 */
async function startSharedNetwork(): Promise<SuiteOutcome[]> {
  const unavailable = testNetworkUnavailable();
  if (unavailable) {
    process.stderr.write(`no shared test network: ${unavailable}\n`);
    return [];
  }
  const name = 'shared test network (up, chaincode, token)';
  banner(name);
  const started = Date.now();
  process.env[TEST_NETWORK_ENV] = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-test-network-')),
    'network',
  );
  const stop = () => {
    void stopTestNetwork().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await sharedTestNetwork((message) => process.stderr.write(`${message}\n`));
    return [];
  } catch (error) {
    return [
      {
        name,
        passed: 0,
        failed: 1,
        skipped: 0,
        seconds: (Date.now() - started) / 1000,
        note: describeError(error).split('\n')[0],
      },
    ];
  }
}

async function main(): Promise<void> {
  const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-test-results-'));
  const suites: SuiteOutcome[] = [];

  suites.push(await runCheck('lint (eslint)', 'npx', ['eslint', '.']));
  const typed = workspaces().filter((workspace) =>
    fs.existsSync(path.join(ROOT, workspace, 'tsconfig.test.json')),
  );
  for (const workspace of typed) {
    suites.push(
      await runCheck(`types (${workspace}, with tests)`, 'npx', [
        'tsc',
        '-p',
        `${workspace}/tsconfig.test.json`,
      ]),
    );
  }
  suites.push(await runCheck('format (prettier --check)', 'npx', ['prettier', '--check', '.']));

  banner('installing what the real-network tests use');
  const home = consortiaHome();
  const outcomes = await installComponents(COMPONENTS, {
    home,
    env: process.env,
    progress: (message) => process.stderr.write(`${message}\n`),
  });
  for (const outcome of outcomes) {
    const detail = outcome.error ? `: ${describeError(outcome.error)}` : '';
    process.stderr.write(`${outcome.component}: ${outcome.status}${detail}\n`);
  }
  process.stderr.write(
    'the Fabric tests say so and are skipped when Fabric could not be installed\n',
  );

  for (const phase of PHASES) {
    if (phase === 'test:integration') suites.push(...(await startSharedNetwork()));
    for (const workspace of workspacesWithScript(phase)) {
      suites.push(await runMocha(workspace, phase, resultsDir));
    }
  }
  if (process.env[TEST_NETWORK_ENV]) {
    banner('stopping the shared test network');
    await stopTestNetwork();
  }

  const total = (key: 'passed' | 'failed' | 'skipped') =>
    suites.reduce((sum, suite) => sum + suite[key], 0);
  banner('summary');
  console.log(
    formatTable(
      ['suite', 'passed', 'failed', 'skipped', 'seconds', 'note'],
      suites.map((suite) => [
        suite.name,
        String(suite.passed),
        String(suite.failed),
        String(suite.skipped),
        suite.seconds.toFixed(1),
        suite.note ?? '',
      ]),
    ),
  );
  console.log(`results: ${resultsDir}`);
  const skipped = total('skipped');
  console.log(
    `${total('passed')} passed, ${total('failed')} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`,
  );
  process.exitCode = total('failed') > 0 ? 1 : 0;
}

void main();
