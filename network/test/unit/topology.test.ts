// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { parseNetworkOptions } from '../../src/topology/options';
import {
  buildTopology,
  chaincodePort,
  MAX_CHAINCODES,
  networkPorts,
  nodePorts,
  servicePorts,
} from '../../src/topology/topology';

describe('topology', function () {
  const topology = (raw: Parameters<typeof parseNetworkOptions>[0]) =>
    buildTopology(parseNetworkOptions({ stateDir: '/tmp/n', ...raw }, {}));

  it('runs one orderer and a Kafka broker for Kafka ordering', function () {
    const kafka = topology({ consensus: 'kafka' });
    assert.equal(kafka.orderers.length, 1);
    assert.deepEqual(kafka.kafka && [kafka.kafka.port, kafka.kafka.controllerPort], [7090, 7091]);
  });

  it('runs three orderers and no broker for Raft', function () {
    const raft = topology({ consensus: 'etcdraft' });
    assert.equal(raft.orderers.length, 3);
    assert.equal(raft.kafka, undefined);
    assert.deepEqual(
      raft.orderers.map((orderer) => orderer.port),
      [7050, 7053, 7056],
    );
  });

  it('names orgs, MSPs and peers predictably', function () {
    const network = topology({ orgs: 2, peersPerOrg: 2 });
    assert.deepEqual(
      network.orgs.map((org) => org.mspId),
      ['Org1MSP', 'Org2MSP'],
    );
    assert.deepEqual(
      network.orgs[1]!.peers.map((peer) => [peer.name, peer.hostname, peer.port]),
      [
        ['peer0.org2', 'peer0.org2.consortia.local', 7200],
        ['peer1.org2', 'peer1.org2.consortia.local', 7210],
      ],
    );
  });

  it('never gives two processes the same port, even at the largest size', function () {
    for (const consensus of ['kafka', 'etcdraft']) {
      const network = topology({ consensus, orgs: 10, peersPerOrg: 8, basePort: 64000 });
      const ports = networkPorts(network).map((use) => use.port);
      for (const org of network.orgs) {
        for (let slot = 0; slot < MAX_CHAINCODES; slot++)
          ports.push(chaincodePort(network, org.index, slot));
      }
      assert.equal(new Set(ports).size, ports.length, `${consensus}: duplicate ports`);
      assert.ok(Math.max(...ports) <= 65535);
    }
  });

  it('leaves the services’ ports out of what `up` must find free, so a service beside the network never stops it resuming', function () {
    const network = topology({});
    const checked = new Set(nodePorts(network).map((use) => use.port));
    for (const service of Object.values(servicePorts(network))) {
      assert.ok(!checked.has(service.http));
      if (service.postgres !== undefined) assert.ok(!checked.has(service.postgres));
    }
    assert.ok(checked.has(network.orgs[0]!.peers[0]!.port));
  });

  it('keeps every file under the state dir', function () {
    const network = topology({});
    for (const file of [
      ...Object.values(network.paths),
      ...network.orderers.map((orderer) => orderer.dir),
    ]) {
      assert.ok(file.startsWith('/tmp/n/'), file);
    }
  });
});
