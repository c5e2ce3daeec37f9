// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../../src/errors';
import { acquireStartLock, holderAlive, startLockFile } from '../../src/process/lock';
import { tempDir } from '../support/temp';

/** The pid of a process that has already exited. */
function deadPid(): string {
  return spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
    .stdout.toString()
    .trim();
}

describe('the start lock (one consortia start per state dir)', function () {
  it('refuses a second start, naming the running one, its state dir and how to stop it', function () {
    const stateDir = path.join(tempDir('lock'), 'network');
    const lock = acquireStartLock(stateDir);
    try {
      assert.throws(
        () => acquireStartLock(stateDir),
        (error: unknown) => {
          assert.ok(error instanceof UserError);
          assert.match(
            error.message,
            new RegExp(`already running for ${stateDir} \\(pid ${process.pid}, since `),
          );
          assert.match(
            error.hint ?? '',
            new RegExp(`Ctrl-C in its terminal, or \`kill ${process.pid}\``),
          );
          return true;
        },
      );
    } finally {
      lock.release();
    }
    assert.equal(fs.existsSync(startLockFile(stateDir)), false);
    acquireStartLock(stateDir).release();
  });

  it('takes over a lock whose process is gone, or whose pid now names another process', function () {
    const stateDir = path.join(tempDir('lock'), 'network');
    const file = startLockFile(stateDir);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const stale = { pid: Number(deadPid()), startedAt: 'then', stateDir };
    fs.writeFileSync(file, JSON.stringify(stale));
    assert.equal(holderAlive(stale), false);
    const lock = acquireStartLock(stateDir);
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number };
    assert.equal(record.pid, process.pid);
    lock.release();

    // our own pid, but recorded with another start time: a reused pid
    const reused = { pid: process.pid, processStart: '1', startedAt: 'then', stateDir };
    fs.writeFileSync(file, JSON.stringify(reused));
    assert.equal(holderAlive(reused), false);
    acquireStartLock(stateDir).release();
  });

  it('never removes a lock another process took meanwhile', function () {
    const stateDir = path.join(tempDir('lock'), 'network');
    const lock = acquireStartLock(stateDir);
    const other = { pid: 1, startedAt: 'later', stateDir };
    fs.writeFileSync(lock.file, JSON.stringify(other));
    lock.release();
    assert.deepEqual(JSON.parse(fs.readFileSync(lock.file, 'utf8')), other);
  });
});
