// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { tempDir, testBasePort } from '../support/temp';

const CLI = path.join(__dirname, '..', '..', 'bin', 'consortia.js');

function consortia(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('consortia CLI (built program)', function () {
  it('answers --help for every command', function () {
    const help = consortia('--help');
    assert.equal(help.code, 0);
    for (const command of [
      'install',
      'up',
      'down',
      'status',
      'logs',
      'env',
      'deploy-chaincode',
      'start',
    ]) {
      assert.match(help.stdout, new RegExp(`^ {2}${command}\\b`, 'm'));
      assert.equal(consortia(command, '--help').code, 0, `${command} --help`);
    }
  });

  it('rejects bad options with a clear message and a non-zero exit, starting nothing', function () {
    const stateDir = tempDir('cli');
    for (const [args, message] of [
      [
        ['up', '--consensus', 'solo'],
        /unknown consensus 'solo'\n {2}fix: pass --consensus kafka or --consensus etcdraft/,
      ],
      [['up', '--orgs', '0'], /--orgs must be between 1 and 10, got 0/],
      [['up', '--orgs', '11'], /--orgs must be between 1 and 10, got 11/],
      [['up', '--peers-per-org', 'two'], /--peers-per-org must be a whole number/],
      [['up', '--bogus'], /unknown option '--bogus'/],
      [['status'], /there is no network in/],
    ] as const) {
      const result = consortia(...args, '--state-dir', stateDir);
      assert.notEqual(result.code, 0, args.join(' '));
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace');
    }
  });

  it('names the port and the process holding it', async function () {
    const basePort = testBasePort(4);
    const server = net.createServer();
    await new Promise<void>((resolve) =>
      server.listen(basePort + 50, '127.0.0.1', () => resolve()),
    );
    try {
      const result = consortia(
        'up',
        '--base-port',
        String(basePort),
        '--state-dir',
        tempDir('cli-port'),
      );
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        new RegExp(`port ${basePort + 50} \\(for orderer0\\) is in use by pid ${process.pid}`),
      );
      assert.match(
        result.stderr,
        /fix: stop those processes, or pick other ports with --base-port/,
      );
    } finally {
      server.close();
    }
  });

  it('reports a corrupt state dir and how to recover', function () {
    const stateDir = tempDir('cli-corrupt');
    fs.writeFileSync(path.join(stateDir, 'network.json'), '{"formatVersion": 1');
    const result = consortia('up', '--state-dir', stateDir);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /state directory is corrupt: .*network\.json is not valid JSON/);
    assert.match(result.stderr, /consortia down --purge/);
  });

  it('skips components that are already installed', function () {
    const result = consortia('install', 'kafka', 'helm');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /kafka\s+present/);
    assert.match(result.stdout, /helm\s+present/);
  });
});
