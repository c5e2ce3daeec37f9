// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { readChannels } from '../../src/consensus-migration/channels';
import { migrateConsensus } from '../../src/consensus-migration/migrate';
import { readMigrationRecord } from '../../src/consensus-migration/record';
import { consortiaHome } from '../../src/install';
import type { TestNetwork } from '../../src/testing';
import { sharedTestNetwork } from '../../src/testing';

// The migration's dry run on the shared Kafka-ordered network: the preconditions hold on a live
// network, and the plan and the config updates it prints are computed from the real channel
// configs by configtxlator, while nothing changes. The migration itself, which does change the
// network, runs on a network of its own in `npm run test:migrate -w network`.
describe('migrate-consensus --dry-run on the shared Kafka network', function () {
  this.timeout(300_000);
  let network: TestNetwork;

  before(async function () {
    network = await sharedTestNetwork();
  });

  it("prints the plan and each channel's three config updates, and changes nothing", async function () {
    let printed = '';
    const result = await migrateConsensus({
      home: consortiaHome(),
      stateDir: network.stateDir,
      to: 'etcdraft',
      dryRun: true,
      progress: () => undefined,
      print: (text) => {
        printed += text;
      },
    });
    assert.equal(result.dryRun, true);
    assert.deepEqual(result.steps, []);
    assert.match(printed, /1\. enter-maintenance/);
    assert.match(printed, /7\. stop-kafka/);
    for (const channel of ['system-channel', network.topology.options.channel]) {
      for (const edit of ['enter-maintenance', 'switch-to-raft', 'leave-maintenance']) {
        assert.match(printed, new RegExp(`Config update for channel ${channel} \\(${edit}\\)`));
      }
    }
    assert.match(printed, /"state": "STATE_MAINTENANCE"/);
    assert.match(printed, /"type": "etcdraft"/);
    assert.match(printed, /"client_tls_cert": "<PEM certificate/);

    assert.equal(readMigrationRecord(network.stateDir), undefined);
    const channels = await readChannels({ home: consortiaHome(), topology: network.topology }, [
      'system-channel',
      network.topology.options.channel,
    ]);
    for (const channel of channels) {
      assert.equal(channel.type, 'kafka');
      assert.equal(channel.state, 'STATE_NORMAL');
    }
  });
});
