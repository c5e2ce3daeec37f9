// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { parseChannelList } from '../../src/consensus-migration/channel-participation';
import { migrateConsensus } from '../../src/consensus-migration/migrate';
import {
  MIGRATION_STEPS,
  newMigrationRecord,
  pendingSteps,
  writeMigrationRecord,
} from '../../src/consensus-migration/record';
import { manifestFromOptions, manifestPath, writeManifest } from '../../src/state/manifest';
import { parseNetworkOptions } from '../../src/topology/options';
import { tempDir } from '../support/temp';

describe('consensus migration: the optional channel participation step', function () {
  const dir = tempDir('migrate-participation');
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A migrated network (Raft with the system channel) and its finished record. */
  const writeMigrated = () => {
    const options = parseNetworkOptions({ stateDir: dir, consensus: 'kafka' }, {});
    const manifest = manifestFromOptions(options, '2.5.15');
    manifest.consensus = 'etcdraft';
    manifest.systemChannel = true;
    fs.mkdirSync(dir, { recursive: true });
    writeManifest(manifestPath(dir), manifest);
    const record = newMigrationRecord();
    for (const step of MIGRATION_STEPS) record.completed[step.id] = new Date().toISOString();
    record.finishedAt = new Date().toISOString();
    writeMigrationRecord(dir, record);
    return record;
  };

  it('comes last, and only when asked for', function () {
    assert.deepEqual(
      pendingSteps(undefined).map((step) => step.id),
      MIGRATION_STEPS.map((step) => step.id),
    );
    assert.deepEqual(
      pendingSteps(undefined, true)
        .map((step) => step.id)
        .slice(-2),
      ['add-orderers', 'remove-system-channel'],
    );
    const record = newMigrationRecord();
    for (const step of MIGRATION_STEPS) record.completed[step.id] = new Date().toISOString();
    assert.deepEqual(pendingSteps(record), []);
    assert.deepEqual(
      pendingSteps(record, true).map((step) => step.id),
      ['remove-system-channel'],
    );
  });

  it('leaves a finished migration alone unless asked for', async function () {
    writeMigrated();
    const done = await migrateConsensus({
      home: dir,
      stateDir: dir,
      to: 'etcdraft',
      progress: () => undefined,
    });
    assert.equal(done.alreadyDone, true);
    // asked for: it goes on to the preconditions, which find no orderer running here
    await assert.rejects(
      migrateConsensus({
        home: dir,
        stateDir: dir,
        to: 'etcdraft',
        channelParticipation: true,
        progress: () => undefined,
      }),
      /orderer0 is not running/,
    );
  });

  it('is done once recorded: a second run changes nothing', async function () {
    const record = writeMigrated();
    record.completed['remove-system-channel'] = new Date().toISOString();
    writeMigrationRecord(dir, record);
    const again = await migrateConsensus({
      home: dir,
      stateDir: dir,
      to: 'etcdraft',
      channelParticipation: true,
      progress: () => undefined,
    });
    assert.equal(again.alreadyDone, true);
  });

  it("reads osnadmin's channel list after its status line", function () {
    const withSystem = parseChannelList(
      'Status: 200\n{\n "systemChannel": {"name": "system-channel", "url": "/participation/v1/channels/system-channel"},\n "channels": [{"name": "consortium", "url": "/participation/v1/channels/consortium"}]\n}\n',
    );
    assert.equal(withSystem.systemChannel?.name, 'system-channel');
    assert.deepEqual(
      withSystem.channels?.map((channel) => channel.name),
      ['consortium'],
    );
    assert.equal(
      parseChannelList('Status: 200\n{"systemChannel": null, "channels": null}').systemChannel,
      null,
    );
    assert.throws(() => parseChannelList('Status: 500\n'), /no channel list/);
  });
});
