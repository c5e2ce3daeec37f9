// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { consortiaHome } from '../../src/install';
import { fabricReleaseInUse } from '../../src/install/fabric';
import { down } from '../../src/operations/down';
import { networkStatus } from '../../src/operations/status';
import { startLockFile } from '../../src/process/lock';
import { listPidRecords } from '../../src/process/supervisor';
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

/** Every live process in the process groups the daemons lead: the daemons and their children. */
function processesOf(groups: readonly number[]): { pid: number; command: string }[] {
  const found: { pid: number; command: string }[] = [];
  for (const entry of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z' && groups.includes(Number(group))) {
        found.push({
          pid: Number(entry),
          command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
        });
      }
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

// What `npm start` runs, for real: a new network, the chaincode, the token and all four services,
// in the foreground until Ctrl-C (SIGINT to its whole process group, then once more from the
// bootstrap script that forwards it) or SIGTERM, which stop every process it started.
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

  it('brings everything up, prints where it listens, stays up, refuses a second start, and stops it all on Ctrl-C', async function () {
    // its own process group, as a terminal's foreground job: Ctrl-C signals the whole group
    child = spawn(
      process.execPath,
      [CLI, 'start', '--state-dir', stateDir, '--base-port', String(testBasePort(7))],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    const output = await waitForOutput(child, /the consortium is running/, 600_000);
    for (const service of ['dapp', 'datasync', 'app-api', 'explorer']) {
      assert.match(output, new RegExp(`${service}\\s+http://127\\.0\\.0\\.1:\\d+`));
    }
    assert.match(output, /initialized the CTK token: Org1MSP is its admin organization/);
    assert.match(output, /DAPP API key \(send as x-api-key\): local\./);
    assert.match(output, /no administrator exists yet; create the first one/);
    assert.match(output, /service app-api create-admin --username/);
    // gateway clients name the certificates' host name, never the IP, as TLS server name
    assert.doesNotMatch(output, /DEP0123/);
    const manifest = JSON.parse(fs.readFileSync(path.join(stateDir, 'network.json'), 'utf8')) as {
      fabricVersion: string;
    };
    assert.equal(manifest.fabricVersion, fabricReleaseInUse(consortiaHome()));

    // still in the foreground a while later, every process healthy
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal(child.exitCode, null, 'consortia start must stay in the foreground');
    const status = await networkStatus(consortiaHome(), stateDir);
    assert.deepEqual(
      status.processes.filter((process) => !process.healthy).map((process) => process.name),
      [],
    );
    assert.ok((status.channelHeight ?? 0) >= 6, 'channel, anchor peers, chaincode and token');

    // a second start on the same state dir refuses at once, naming the first, and changes nothing
    const runDir = path.join(stateDir, 'run');
    const daemons = listPidRecords(runDir);
    const second = spawnSync(process.execPath, [CLI, 'start', '--state-dir', stateDir], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(second.status, 1, second.stderr);
    assert.match(
      second.stderr,
      new RegExp(`already running for ${stateDir} \\(pid ${child.pid}, since .*\\)`),
    );
    assert.match(second.stderr, new RegExp(`Ctrl-C in its terminal, or \`kill ${child.pid}\``));
    assert.deepEqual(listPidRecords(runDir), daemons, 'the same processes, untouched');
    assert.equal(child.exitCode, null);

    // every process started, with their children (the services' embedded Postgres servers)
    const started = processesOf(daemons.map((record) => record.pid));
    const names = daemons.map((record) => record.name);
    for (const name of ['kafka', 'dapp', 'datasync', 'app-api', 'explorer']) {
      assert.ok(names.includes(name), `${name} runs: ${names.join(', ')}`);
    }
    assert.ok(names.filter((name) => name.startsWith('peer')).length >= 4, names.join(', '));
    assert.ok(
      started.filter((process) => process.command === 'postgres').length >= 3,
      'the DAPP, datasync and the app-api run their Postgres',
    );

    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    const stopAsked = Date.now();
    process.kill(-child.pid!, 'SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGINT'); // the bootstrap script forwards it once more
    assert.equal(await exited, 0);
    log(`stopped ${started.length} processes in ${Date.now() - stopAsked} ms`);
    assert.deepEqual(processesOf(daemons.map((record) => record.pid)), [], 'nothing keeps running');
    assert.equal(fs.existsSync(startLockFile(stateDir)), false, 'the lock is released');
    for (const name of ['dapp', 'datasync', 'app-api', 'explorer']) {
      const serviceLog = fs.readFileSync(path.join(stateDir, 'logs', `${name}.log`), 'utf8');
      assert.doesNotMatch(serviceLog, /DEP0123/, name);
      assert.match(
        serviceLog,
        /"succeeded":true,"msg":"shutdown complete"/,
        `${name} stopped cleanly`,
      );
      assert.doesNotMatch(serviceLog, /shutdown step failed/, name);
    }
    const after = await networkStatus(consortiaHome(), stateDir);
    assert.deepEqual(
      after.processes.filter((process) => process.running).map((process) => process.name),
      [],
    );
    // the services stay listed, as stopped
    assert.deepEqual(
      after.processes
        .filter((process) => process.kind === 'service')
        .map((process) => process.name),
      ['dapp', 'datasync', 'app-api', 'explorer'],
    );
  });

  it('resumes the same network, and SIGTERM to it alone stops it all too', async function () {
    // an administrator made while the network is down, with a state dir relative to the cwd
    const admin = spawnSync(
      process.execPath,
      [
        CLI,
        'service',
        '--state-dir',
        path.basename(stateDir),
        'app-api',
        'create-admin',
        '--username',
        'alice',
      ],
      { encoding: 'utf8', timeout: 120_000, cwd: path.dirname(stateDir) },
    );
    assert.equal(admin.status, 0, admin.stderr);
    assert.match(admin.stdout, /created administrator 'alice'/);

    child = spawn(
      process.execPath,
      [CLI, 'start', '--state-dir', stateDir, '--base-port', String(testBasePort(7))],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output = await waitForOutput(child, /the consortium is running/, 600_000);
    assert.match(output, /app-api: log in as one of its users/);
    assert.doesNotMatch(output, /create-admin/);
    const daemons = listPidRecords(path.join(stateDir, 'run'));
    assert.ok(daemons.length > 0);
    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.deepEqual(processesOf(daemons.map((record) => record.pid)), [], 'nothing keeps running');
  });
});
