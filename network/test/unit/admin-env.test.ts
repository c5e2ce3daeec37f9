// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { adminExports } from '../../src/operations/admin-env';
import { parseNetworkOptions } from '../../src/topology/options';
import { buildTopology } from '../../src/topology/topology';

describe('env exports for the peer CLI', function () {
  const topology = buildTopology(
    parseNetworkOptions({ stateDir: '/s', orgs: 2, peersPerOrg: 2 }, {}),
  );

  it("act as the org's admin against the chosen peer, over TLS", function () {
    const exports = adminExports('/h', topology, 'org2', 1);
    assert.match(exports, /^export CORE_PEER_ADDRESS='127\.0\.0\.1:7210'$/m);
    assert.match(exports, /^export CORE_PEER_LOCALMSPID='Org2MSP'$/m);
    assert.match(exports, /^export CORE_PEER_TLS_ENABLED='true'$/m);
    assert.match(
      exports,
      /^export CORE_PEER_MSPCONFIGPATH='.*users\/Admin@org2\.consortia\.local\/msp'$/m,
    );
    assert.match(exports, /^export FABRIC_CFG_PATH='\/s\/nodes\/peer1\.org2'$/m);
    assert.match(exports, /^export PATH=".*fabric\/2\.5\/bin:\$PATH"$/m);
    assert.match(exports, /^export CHANNEL_NAME='consortium'$/m);
  });

  it('names the choices for an unknown org or peer', function () {
    assert.throws(() => adminExports('/h', topology, 'Org3', 0), /no org named 'Org3'/);
    assert.throws(() => adminExports('/h', topology, 'Org1', 2), /Org1 has no peer 2/);
  });
});
