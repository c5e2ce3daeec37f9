import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import path from 'node:path';

import { consortiaHome } from '../../src/install';
import { down } from '../../src/operations/down';
import { networkStatus } from '../../src/operations/status';
import { testNetworkUnavailable } from '../../src/testing/test-network';
import { tempDir, testBasePort } from '../support/temp';

const CLI = path.join(__dirname, '..', '..', 'bin', 'consortia.js');
const log = (message: string) => process.stderr.write(`      ${message}\n`);

/** Resolves with the output once `pattern` appears in it, or rejects when the child exits first. */
function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`consortia start exited (${code}) before ${pattern}:\n${output}`));
    });
  });
}

// What `npm start` runs, for real: a new network, the chaincode, the token and all four services,
// in the foreground until SIGTERM, which stops every process it started.
describe('consortia start (the whole local consortium, real processes)', function () {
  this.timeout(900_000);
  const stateDir = path.join(tempDir('start'), 'network');
  let child: ChildProcess | undefined;

  before(function () {
    const unavailable = testNetworkUnavailable();
    if (unavailable) {
      log(`${unavailable}: skipped`);
      this.skip();
    }
  });

  after(async function () {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await down(stateDir, true);
  });

  it('brings everything up, prints where it listens, stays up, and stops it all on SIGTERM', async function () {
    child = spawn(
      process.execPath,
      [CLI, 'start', '--state-dir', stateDir, '--base-port', String(testBasePort(7))],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output = await waitForOutput(child, /the consortium is running/, 600_000);
    for (const service of ['dapp', 'datasync', 'app-api', 'explorer']) {
      assert.match(output, new RegExp(`${service}\\s+http://127\\.0\\.0\\.1:\\d+`));
    }
    assert.match(output, /initialized the CTK token: Org1MSP is its admin organization/);
    assert.match(output, /DAPP API key \(send as x-api-key\): local\./);
    assert.match(output, /service app-api create-admin --username/);

    // still in the foreground a while later, every process healthy
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal(child.exitCode, null, 'consortia start must stay in the foreground');
    const status = await networkStatus(consortiaHome(), stateDir);
    assert.deepEqual(
      status.processes.filter((process) => !process.healthy).map((process) => process.name),
      [],
    );
    assert.ok((status.channelHeight ?? 0) >= 6, 'channel, anchor peers, chaincode and token');

    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const after = await networkStatus(consortiaHome(), stateDir);
    assert.deepEqual(
      after.processes.filter((process) => process.running).map((process) => process.name),
      [],
    );
  });
});
