// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { optionsFromManifest } from '../../../src/state/manifest';
import type { NetworkManifest } from '../../../src/state/manifest';
import { buildTopology, orgOf } from '../../../src/topology/topology';

describe('a network whose members changed', function () {
  const manifest: NetworkManifest = {
    formatVersion: 1,
    consensus: 'kafka',
    crypto: 'cryptogen',
    orgs: 2,
    peersPerOrg: 2,
    channel: 'consortium',
    basePort: 24000,
    fabricVersion: '2.5.16',
    createdAt: '2026-01-01T00:00:00.000Z',
    channelReady: true,
    chaincodes: [],
  };

  it('keeps Org<n> names, ports and peer counts by index when an org left and another joined', function () {
    const members = [
      { index: 1, peers: 2 },
      { index: 3, peers: 1 },
    ];
    const topology = buildTopology(optionsFromManifest({ ...manifest, members }, '/tmp/x', {}));
    assert.deepEqual(
      topology.orgs.map((org) => [org.name, org.mspId, org.peers.map((peer) => peer.port)]),
      [
        ['Org1', 'Org1MSP', [24100, 24110]],
        ['Org3', 'Org3MSP', [24300]],
      ],
    );
    const peer = topology.orgs[1]?.peers[0];
    assert.ok(peer);
    assert.equal(orgOf(topology, peer).name, 'Org3');
  });

  it('without members, orgs 1..orgs with peersPerOrg each', function () {
    const topology = buildTopology(optionsFromManifest(manifest, '/tmp/x', {}));
    assert.deepEqual(
      topology.orgs.map((org) => [org.name, org.peers.length]),
      [
        ['Org1', 2],
        ['Org2', 2],
      ],
    );
  });
});
