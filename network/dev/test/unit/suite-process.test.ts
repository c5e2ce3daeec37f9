// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { runSuiteProcess } from '../../src/suite-process';

/** Running, as opposed to gone or a zombie waiting for init to reap it. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('a test suite process under npm test', function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'suite-process-'));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is stopped with everything it started when it lingers after writing its results', async function () {
    const results = path.join(dir, 'results.json');
    const grandchildPid = path.join(dir, 'grandchild.pid');
    // A shell (as npm run starts) whose node child writes its results, then never exits.
    const script = [
      `require('fs').writeFileSync(${JSON.stringify(grandchildPid)}, String(process.pid));`,
      `require('fs').writeFileSync(${JSON.stringify(results)}, '{}');`,
      'setInterval(() => undefined, 1000);',
    ].join(' ');
    const started = Date.now();
    const outcome = await runSuiteProcess(
      'sh',
      ['-c', `${JSON.stringify(process.execPath)} -e ${JSON.stringify(script)}`],
      { cwd: dir, env: process.env, resultsFile: results, lingerMs: 500, killGraceMs: 500 },
    );
    assert.equal(outcome.lingered, true);
    assert.notEqual(outcome.code, 0);
    assert.ok(Date.now() - started < 10_000, 'stopped soon after the grace period');
    const pid = Number(fs.readFileSync(grandchildPid, 'utf8'));
    assert.equal(running(pid), false, 'the node process under the shell is gone too');
  });

  it('leaves a suite that exits on its own alone and passes its exit code through', async function () {
    const results = path.join(dir, 'results.json');
    const script = `require('fs').writeFileSync(${JSON.stringify(results)}, '{}'); process.exitCode = 3;`;
    const outcome = await runSuiteProcess(process.execPath, ['-e', script], {
      cwd: dir,
      env: process.env,
      resultsFile: results,
      lingerMs: 5000,
    });
    assert.deepEqual(outcome, { code: 3, lingered: false });
  });

  it('waits as long as the suite runs before its results exist', async function () {
    const outcome = await runSuiteProcess(
      process.execPath,
      ['-e', 'setTimeout(() => undefined, 1500)'],
      { cwd: dir, env: process.env, resultsFile: path.join(dir, 'never.json'), lingerMs: 100 },
    );
    assert.deepEqual(outcome, { code: 0, lingered: false });
  });
});
