// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { startChaincodeService } from '../../src/chaincode/service';
import { ensureRunning } from '../../src/process/daemon';
import { stopDaemon } from '../../src/process/supervisor';
import { parseNetworkOptions } from '../../src/topology/options';
import { buildTopology } from '../../src/topology/topology';
import { tempDir } from '../support/temp';

const FIXTURE = path.resolve(__dirname, '../fixtures/kv-chaincode');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function environ(pid: number): string[] {
  return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
}

describe("a local network's chaincode services", function () {
  this.timeout(60_000);
  const stateDir = tempDir('chaincode-service');
  const topology = buildTopology(parseNetworkOptions({ stateDir, orgs: 2, peersPerOrg: 1 }, {}));
  const name = 'chaincode-kv.org2';

  after(() => stopDaemon(topology.paths.run, name));

  it('name the first org as token admin, and replace a service started without it', async function () {
    const org2 = topology.orgs[1];
    assert.ok(org2);
    const port = await freePort();
    // a service left running by an earlier version, without TOKEN_ADMIN_MSP
    const stale = await ensureRunning({
      spec: {
        name,
        command: process.execPath,
        args: ['-e', 'setInterval(() => {}, 1000)', 'kv:1'],
        runDir: topology.paths.run,
        logDir: topology.paths.logs,
      },
      description: 'stale service',
      ready: async () => true,
      timeoutMs: 5000,
    });
    const started: { pid: number }[] = [];
    await startChaincodeService(
      { topology, started: started as never },
      { name: 'kv', path: FIXTURE },
      org2,
      { packageId: 'kv:1', port },
    );
    assert.equal(started.length, 1, 'the stale service was replaced');
    const [service] = started;
    assert.ok(service);
    assert.notEqual(service.pid, stale.pid);
    // every org's service names the same admin: the first org, never its own
    assert.ok(environ(service.pid).includes('TOKEN_ADMIN_MSP=Org1MSP'));
    // and its own org, which fabric-shim's getMspID() reads (the peer does not launch it)
    assert.ok(environ(service.pid).includes('CORE_PEER_LOCALMSPID=Org2MSP'));
  });
});
