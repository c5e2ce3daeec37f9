import assert from 'node:assert/strict';
import path from 'node:path';

import { down } from '../../src/operations/down';
import { networkStatus } from '../../src/operations/status';
import { localApiKey, localServices, startLocalServices } from '../../src/services/local-services';
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
    { stateDir, consensus: 'etcdraft', basePort: testBasePort(5) },
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
    assert.match(first.entry, /^local:[^:]+:[^:]+$/);
    assert.deepEqual(await localApiKey(stateDir), first);
  });

  it('starts the DAPP and datasync, which report healthy, and down stops them', async function () {
    const { entry } = await localApiKey(stateDir);
    const started = await startLocalServices(
      topology,
      localServices(topology, 'consortia', entry),
      [],
    );
    assert.deepEqual(
      started.map((service) => service.name),
      ['dapp', 'datasync'],
    );
    const status = await networkStatus(consortiaHome(), stateDir);
    const services = status.processes.filter((process) => process.kind === 'service');
    assert.deepEqual(
      services.map((process) => [process.name, process.healthy]),
      [
        ['dapp', true],
        ['datasync', true],
      ],
    );
    const openapi = await fetch(`${started[0]!.url}/openapi.json`);
    assert.equal(openapi.status, 200);
    const stopped = await down(stateDir, false);
    assert.deepEqual(
      stopped.stopped.map((stop) => [stop.name, stop.result]),
      [
        ['dapp', 'stopped'],
        ['datasync', 'stopped'],
      ],
    );
    await assert.rejects(fetch(`${started[0]!.url}/healthz`));
  });
});
