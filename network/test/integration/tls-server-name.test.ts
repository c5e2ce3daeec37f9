// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import path from 'node:path';

import { runCommand } from '../../src/process/run-command';
import type { TestNetwork } from '../../src/testing';
import { sharedTestNetwork } from '../../src/testing';

// Node warns (DEP0123) when a TLS server name is an IP address; the nodes listen on 127.0.0.1,
// so every gateway client keeps the IP as the address and names the certificate's host name.
describe('TLS server names of gateway clients (real network)', function () {
  this.timeout(600_000);
  let network: TestNetwork;

  before(async function () {
    network = await sharedTestNetwork();
  });

  it('connects to a peer by IP without the DEP0123 warning', async function () {
    const result = await runCommand(
      process.execPath,
      [
        '--require',
        'tsx/cjs',
        path.join(__dirname, '..', 'support', 'gateway-probe.ts'),
        network.topology.options.stateDir,
      ],
      { cwd: path.join(__dirname, '..', '..') },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /answered \d+ bytes/);
    assert.doesNotMatch(result.stderr, /DEP0123|TLS ServerName to an IP address/);
  });
});
