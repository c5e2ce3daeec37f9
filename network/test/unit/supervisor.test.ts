// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { UserError } from '../../src/errors';
import { byStopOrder, down } from '../../src/operations/down';
import { assertPortsFree, findPortHolder, isPortFree } from '../../src/process/ports';
import {
  groupAlive,
  isOurs,
  listPidRecords,
  readPidRecord,
  startDaemon,
  stopDaemon,
  tailFile,
} from '../../src/process/supervisor';
import { waitFor } from '../../src/process/wait';
import { tempDir } from '../support/temp';

describe('process bookkeeping', function () {
  const stateDir = tempDir('supervisor');
  const runDir = path.join(stateDir, 'run');
  const logDir = path.join(stateDir, 'logs');

  it('records a started process with its pid and log, and stops it by pid', async function () {
    const record = startDaemon({
      name: 'sleeper',
      command: process.execPath,
      args: ['-e', "console.log('ready'); setInterval(() => {}, 1000)"],
      runDir,
      logDir,
    });
    assert.equal(readPidRecord(runDir, 'sleeper')?.pid, record.pid);
    assert.ok(isOurs(record));
    await waitFor('the log line', async () => tailFile(record.logFile).includes('ready'), {
      timeoutMs: 5000,
    });
    assert.equal(await stopDaemon(runDir, 'sleeper'), 'stopped');
    assert.equal(isOurs(record), false);
    assert.equal(readPidRecord(runDir, 'sleeper'), undefined);
  });

  it('kills a process that ignores SIGTERM after the grace period', async function () {
    startDaemon({
      name: 'stubborn',
      command: 'sh',
      args: ['-c', "trap '' TERM; while :; do sleep 1; done"],
      runDir,
      logDir,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(await stopDaemon(runDir, 'stubborn', 500), 'killed');
  });

  it('signals the process itself, so its children (its Postgres) serve it until it stops them', async function () {
    // The child dies at once on SIGTERM; the parent, on SIGTERM, reports whether the child is
    // still there, then stops it and exits. A SIGTERM to the whole group would kill the child first.
    const script = `
      const { spawn } = require('node:child_process');
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      process.on('SIGTERM', () => setTimeout(() => {
        console.log(child.exitCode === null && child.signalCode === null ? 'child served' : 'child gone');
        child.kill('SIGKILL');
        process.exit(0);
      }, 300));
      console.log('ready');`;
    const record = startDaemon({
      name: 'parent',
      command: process.execPath,
      args: ['-e', script],
      runDir,
      logDir,
    });
    await waitFor('the log line', async () => tailFile(record.logFile).includes('ready'), {
      timeoutMs: 5000,
    });
    assert.equal(await stopDaemon(runDir, 'parent'), 'stopped');
    assert.match(tailFile(record.logFile), /child served/);
  });

  it('stops what a process leaves behind in its group, and waits the grace it recorded', async function () {
    const record = startDaemon({
      name: 'leaver',
      command: 'sh',
      args: ['-c', "sleep 300 & trap 'exit 0' TERM; echo ready; while :; do sleep 0.1; done"],
      runDir,
      logDir,
    });
    await waitFor('the log line', async () => tailFile(record.logFile).includes('ready'), {
      timeoutMs: 5000,
    });
    assert.equal(await stopDaemon(runDir, 'leaver'), 'stopped');
    assert.equal(groupAlive(record.pid), false, 'nothing is left in its process group');

    startDaemon({
      name: 'stubborn-recorded',
      command: 'sh',
      args: ['-c', "trap '' TERM; while :; do sleep 1; done"],
      runDir,
      logDir,
      stopGraceMs: 300,
    });
    assert.equal(readPidRecord(runDir, 'stubborn-recorded')?.stopGraceMs, 300);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    assert.equal(await stopDaemon(runDir, 'stubborn-recorded'), 'killed');
    assert.ok(Date.now() - started < 5_000, 'the recorded grace, not the default');
  });

  it('never treats a reused pid running another program as ours', function () {
    const record = {
      name: 'x',
      pid: process.pid,
      command: '/usr/bin/definitely-not-node',
      args: [],
      logFile: '',
      startedAt: '',
    };
    assert.equal(isOurs(record), false);
    assert.equal(isOurs({ ...record, command: process.execPath }), true);
  });

  it('stops the services, then chaincode services, peers, orderers and Kafka', function () {
    const names = [
      'kafka',
      'datasync',
      'orderer0',
      'peer0.org1',
      'explorer',
      'chaincode-kv.org1',
      'dapp',
      'peer0.org2',
      'app-api',
    ].map((name) => ({ name }));
    assert.deepEqual(
      byStopOrder(names).map((record) => record.name),
      [
        'app-api',
        'explorer',
        'dapp',
        'datasync',
        'chaincode-kv.org1',
        'peer0.org1',
        'peer0.org2',
        'orderer0',
        'kafka',
      ],
    );
  });

  it('down stops everything recorded, and --purge deletes only a network state dir', async function () {
    startDaemon({ name: 'peer0.org1', command: 'sleep', args: ['60'], runDir, logDir });
    fs.writeFileSync(path.join(stateDir, 'network.json'), '{}');
    const result = await down(stateDir, true);
    assert.deepEqual(result.stopped, [{ name: 'peer0.org1', result: 'stopped' }]);
    assert.equal(fs.existsSync(stateDir), false);
    assert.equal(listPidRecords(runDir).length, 0);

    const foreign = tempDir('foreign');
    fs.writeFileSync(path.join(foreign, 'precious.txt'), 'keep me');
    await assert.rejects(down(foreign, true), /refusing to delete/);
    assert.ok(fs.existsSync(path.join(foreign, 'precious.txt')));
  });
});

describe('ports', function () {
  it('names the process that holds a port, and suggests --base-port', async function () {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      assert.equal(await isPortFree(port), false);
      assert.equal(findPortHolder(port)?.pid, process.pid);
      await assert.rejects(assertPortsFree([{ port, owner: 'peer0.org1' }]), (error: unknown) => {
        assert.ok(error instanceof UserError);
        assert.match(
          error.message,
          new RegExp(`port ${port} \\(for peer0.org1\\) is in use by pid ${process.pid} \\(`),
        );
        assert.match(error.hint ?? '', /--base-port/);
        return true;
      });
    } finally {
      server.close();
    }
    assert.equal(await isPortFree(port), true);
    await assertPortsFree([{ port, owner: 'peer0.org1' }]);
  });
});
