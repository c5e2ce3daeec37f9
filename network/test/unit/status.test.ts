// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { run } from '../../src/cli/main';
import { keepsColour } from '../../src/cli/log-output';
import { networkStatus } from '../../src/operations/status';
import { manifestFromOptions, manifestPath, writeManifest } from '../../src/state/manifest';
import { parseNetworkOptions } from '../../src/topology/options';
import { tempDir, testBasePort } from '../support/temp';

describe('network status', function () {
  this.timeout(20_000);

  it('lists the services once started, as stopped after their pid records are gone', async function () {
    const stateDir = path.join(tempDir('status'), 'network');
    const options = parseNetworkOptions({ stateDir, basePort: String(testBasePort(9)) }, {});
    fs.mkdirSync(stateDir, { recursive: true });
    writeManifest(manifestPath(stateDir), manifestFromOptions(options, '2.5.15'));
    const services = async () =>
      (await networkStatus(tempDir('home'), stateDir)).processes.filter(
        (process) => process.kind === 'service',
      );
    assert.deepEqual(await services(), [], 'never started: not listed');

    // what `start` then `down` leave behind: logs, no pid records
    fs.mkdirSync(path.join(stateDir, 'logs'), { recursive: true });
    for (const name of ['dapp', 'datasync', 'app-api', 'explorer']) {
      fs.writeFileSync(path.join(stateDir, 'logs', `${name}.log`), 'stopped\n');
    }
    const listed = await services();
    assert.deepEqual(
      listed.map((service) => [service.name, service.running, service.healthy]),
      [
        ['dapp', false, false],
        ['datasync', false, false],
        ['app-api', false, false],
        ['explorer', false, false],
      ],
    );
  });
});

describe('consortia logs', function () {
  this.timeout(20_000);

  it('prints a log without its ANSI colour codes when the output is not a terminal', async function () {
    const stateDir = path.join(tempDir('logs'), 'network');
    const options = parseNetworkOptions({ stateDir, basePort: String(testBasePort(9)) }, {});
    fs.mkdirSync(path.join(stateDir, 'logs'), { recursive: true });
    writeManifest(manifestPath(stateDir), manifestFromOptions(options, '2.5.15'));
    fs.writeFileSync(
      path.join(stateDir, 'logs', 'peer0.org1.log'),
      '\x1b[34m2026-12-01 01:00:00.000 UTC 0001 INFO\x1b[0m [nodeCmd] serve -> Starting peer\n',
    );
    assert.equal(keepsColour({ isTTY: undefined }, {}), false);
    assert.equal(keepsColour({ isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(keepsColour({ isTTY: true }, {}), true);

    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const tty = process.stdout.isTTY;
    process.stdout.isTTY = false;
    process.stdout.write = (chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    };
    try {
      await run(['node', 'consortia', 'logs', 'peer0.org1', '--state-dir', stateDir]);
    } finally {
      process.stdout.write = write;
      process.stdout.isTTY = tty;
    }
    assert.equal(
      written.join(''),
      '2026-12-01 01:00:00.000 UTC 0001 INFO [nodeCmd] serve -> Starting peer\n',
    );
  });
});
