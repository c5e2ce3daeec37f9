// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { down } from '../../src/operations/down';
import { networkStatus } from '../../src/operations/status';
import { runCommand } from '../../src/process/run-command';
import {
  localApiKey,
  localCredentials,
  localServices,
  startLocalServices,
} from '../../src/services/local-services';
import { consortiaHome } from '../../src/install';
import { manifestFromOptions, writeManifest } from '../../src/state/manifest';
import { parseNetworkOptions } from '../../src/topology/options';
import { buildTopology } from '../../src/topology/topology';
import { makeOrg } from '../support/crypto-layout';
import { tempDir, testBasePort } from '../support/temp';

// The service workspaces started as `consortia start` starts them, against crypto material in
// cryptogen's layout made with openssl. No peer runs here, so this checks that the services come
// up, report healthy and stop with the network; their work against Fabric is tested in their own
// workspaces.
describe('service workspaces beside the network (real processes)', function () {
  const stateDir = tempDir('services');
  const options = parseNetworkOptions(
    { stateDir, consensus: 'etcdraft', crypto: 'cryptogen', basePort: testBasePort(5) },
    {},
  );
  const topology = buildTopology(options);

  before(function () {
    makeOrg(path.join(stateDir, 'crypto'), 'org1.consortia.local', 'peer', 1, ['Admin', 'User1']);
    writeManifest(topology.paths.manifest, manifestFromOptions(options, '2.5.16'));
  });

  after(async function () {
    await down(stateDir, true);
  });

  it('makes the DAPP API key once and keeps it', async function () {
    const first = await localApiKey(stateDir);
    assert.match(first.key, /^local\./);
    // name:hash:identities: the default identity, users' own, and enrolling them
    assert.match(first.entry, /^local:scrypt\.[^:]+:default\|@users\|@identity-admin$/);
    assert.deepEqual(await localApiKey(stateDir), first);
  });

  it('widens a key kept from before users had identities of their own, keeping the key', async function () {
    const file = path.join(stateDir, 'services', 'dapp-api-key.json');
    const kept = JSON.parse(fs.readFileSync(file, 'utf8')) as { key: string; entry: string };
    const narrow = { key: kept.key, entry: kept.entry.replace(/:[^:]*$/, ':default') };
    fs.writeFileSync(file, JSON.stringify(narrow));
    assert.deepEqual(await localApiKey(stateDir), kept);
  });

  it('keeps the app-api and explorer secrets, and hashes the operator password with the explorer', async function () {
    const first = await localCredentials(stateDir);
    assert.equal(first.explorer.user, 'operator');
    assert.match(first.explorer.passwordHash, /^scrypt/);
    assert.ok(Buffer.from(first.appApiJwtSecret, 'base64url').length >= 32);
    assert.deepEqual(await localCredentials(stateDir), first);
  });

  it('starts every service, which report healthy, lets an admin and the operator in, and down stops them', async function () {
    const credentials = await localCredentials(stateDir);
    const started = await startLocalServices(
      topology,
      localServices(topology, 'consortia', credentials),
      [],
    );
    const names = ['dapp', 'datasync', 'app-api', 'explorer'];
    assert.deepEqual(
      started.map((service) => service.name),
      names,
    );
    const url = (name: string) => started.find((service) => service.name === name)!.url;
    const status = await networkStatus(consortiaHome(), stateDir);
    const services = status.processes.filter((process) => process.kind === 'service');
    assert.deepEqual(
      services.map((process) => [process.name, process.healthy]),
      names.map((name) => [name, true]),
    );
    const openapi = await fetch(`${url('dapp')}/openapi.json`);
    assert.equal(openapi.status, 200);

    // the printed instruction: create the first admin through `consortia service`, then log in
    const created = await runCommand(
      process.execPath,
      [
        path.join(__dirname, '..', '..', 'bin', 'consortia.js'),
        'service',
        '--state-dir',
        stateDir,
        'app-api',
        'create-admin',
        '--username',
        'first-admin',
        '--password-stdin',
      ],
      { input: 'correct horse battery staple\n' },
    );
    assert.equal(created.code, 0, `${created.stdout}\n${created.stderr}`);
    const login = await fetch(`${url('app-api')}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'first-admin', password: 'correct horse battery staple' }),
    });
    assert.equal(login.status, 200, await login.clone().text());

    // the explorer asks for the operator login printed by `npm start`
    const explorerLogin = await fetch(`${url('explorer')}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        user: credentials.explorer.user,
        password: credentials.explorer.password,
      }),
    });
    assert.equal(explorerLogin.status, 200, await explorerLogin.clone().text());

    const stopped = await down(stateDir, false);
    assert.deepEqual(
      stopped.stopped.map((stop) => [stop.name, stop.result]).sort(),
      names.map((name) => [name, 'stopped']).sort(),
    );
    await assert.rejects(fetch(`${url('dapp')}/healthz`));
  });
});
