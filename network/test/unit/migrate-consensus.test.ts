// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  applyEdit,
  editNeeded,
  raftMetadata,
  readConsensusType,
  sizeInBytes,
  switchToRaft,
} from '../../src/consensus-migration/consensus-type';
import {
  MIGRATION_STEPS,
  newMigrationRecord,
  pendingSteps,
  readMigrationRecord,
  writeMigrationRecord,
} from '../../src/consensus-migration/record';
import { addConsenter } from '../../src/consensus-migration/add-orderers';
import { orderedChannels } from '../../src/consensus-migration/channels';
import { migrateConsensus } from '../../src/consensus-migration/migrate';
import type { Json } from '../../src/fabric/config-update';
import {
  manifestFromOptions,
  manifestPath,
  optionsFromManifest,
  readManifest,
  writeManifest,
} from '../../src/state/manifest';
import { ordererYaml } from '../../src/templates/orderer-yaml';
import { parseNetworkOptions } from '../../src/topology/options';
import { buildTopology, hasSystemChannel } from '../../src/topology/topology';
import { tempDir } from '../support/temp';

/** A decoded channel config as configtxlator gives it, reduced to what the migration edits. */
function kafkaConfig(): Json {
  return {
    channel_group: {
      groups: {
        Orderer: {
          values: {
            ConsensusType: {
              mod_policy: 'Admins',
              value: { metadata: null, state: 'STATE_NORMAL', type: 'kafka' },
              version: '0',
            },
            KafkaBrokers: { value: { brokers: ['127.0.0.1:7090'] } },
          },
        },
      },
    },
  };
}

const stateDir = tempDir('migrate');
const kafka = buildTopology(parseNetworkOptions({ stateDir, orgs: 2, peersPerOrg: 1 }, {}));
const migrated = buildTopology({
  ...kafka.options,
  consensus: 'etcdraft',
  orderers: kafka.orderers.length,
  systemChannel: true,
});
const metadata = raftMetadata(
  migrated,
  (file) => `PEM of ${path.basename(path.dirname(path.dirname(file)))}`,
);

describe('consensus migration: config edits', function () {
  it('reads the type and state, an absent state being normal', function () {
    const config = kafkaConfig();
    assert.deepEqual(readConsensusType(config), {
      type: 'kafka',
      state: 'STATE_NORMAL',
      metadata: null,
    });
    delete ((((config.channel_group as Json).groups as Json).Orderer as Json).values as Json)
      .ConsensusType;
    assert.throws(() => readConsensusType(config), /no ConsensusType/);
  });

  it('enters maintenance changing only the state, then switches the type, then leaves', function () {
    const config = kafkaConfig();
    applyEdit(config, 'enter-maintenance', metadata);
    assert.deepEqual(readConsensusType(config), {
      type: 'kafka',
      state: 'STATE_MAINTENANCE',
      metadata: null,
    });
    applyEdit(config, 'switch-to-raft', metadata);
    assert.equal(readConsensusType(config).type, 'etcdraft');
    assert.equal(readConsensusType(config).state, 'STATE_MAINTENANCE');
    applyEdit(config, 'leave-maintenance', metadata);
    assert.deepEqual(readConsensusType(config), {
      type: 'etcdraft',
      state: 'STATE_NORMAL',
      metadata,
    });
  });

  it('refuses to switch the type outside maintenance mode, as Fabric would', function () {
    assert.throws(() => switchToRaft(kafkaConfig(), metadata), /only in maintenance mode/);
  });

  it('knows which edit each channel still needs, so a resumed step skips done channels', function () {
    const state = (type: string, maintenance: boolean) => ({
      type,
      state: maintenance ? ('STATE_MAINTENANCE' as const) : ('STATE_NORMAL' as const),
    });
    assert.equal(editNeeded(state('kafka', false), 'enter-maintenance'), 'enter-maintenance');
    assert.equal(editNeeded(state('kafka', true), 'enter-maintenance'), undefined);
    assert.equal(editNeeded(state('etcdraft', false), 'enter-maintenance'), undefined);
    assert.equal(editNeeded(state('kafka', true), 'switch-to-raft'), 'switch-to-raft');
    assert.equal(editNeeded(state('etcdraft', true), 'switch-to-raft'), undefined);
    assert.equal(editNeeded(state('etcdraft', true), 'leave-maintenance'), 'leave-maintenance');
    assert.equal(editNeeded(state('etcdraft', false), 'leave-maintenance'), undefined);
  });

  it('names every orderer as a consenter with its TLS certificate, and the Raft options in proto units', function () {
    assert.equal(metadata.consenters.length, 1);
    const [consenter] = metadata.consenters;
    assert.equal(consenter?.host, '127.0.0.1');
    assert.equal(consenter?.port, migrated.orderers[0]?.port);
    assert.equal(
      Buffer.from(consenter?.client_tls_cert ?? '', 'base64').toString(),
      `PEM of ${migrated.orderers[0]?.hostname}`,
    );
    assert.equal(consenter?.server_tls_cert, consenter?.client_tls_cert);
    assert.equal(metadata.options.snapshot_interval_size, 16 * 1024 * 1024);
    assert.equal(metadata.options.tick_interval, '500ms');
    assert.equal(sizeInBytes('512 KB'), 512 * 1024);
    assert.throws(() => sizeInBytes('lots'), /not a size/);
  });
});

describe('consensus migration: the record of completed steps', function () {
  afterEach(() => fs.rmSync(path.join(stateDir, 'consensus-migration.json'), { force: true }));

  it('continues with the steps not yet recorded, in order', function () {
    assert.equal(readMigrationRecord(stateDir), undefined);
    assert.deepEqual(
      pendingSteps(undefined).map((step) => step.id),
      MIGRATION_STEPS.map((step) => step.id),
    );
    const record = newMigrationRecord();
    record.completed['enter-maintenance'] = new Date().toISOString();
    record.completed['switch-to-raft'] = new Date().toISOString();
    writeMigrationRecord(stateDir, record);
    const read = readMigrationRecord(stateDir);
    assert.deepEqual(read, record);
    assert.equal(pendingSteps(read)[0]?.id, 'restart-orderers');
  });

  it('refuses a record it does not understand rather than guessing where to resume', function () {
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(path.join(stateDir, 'consensus-migration.json'), '{"to":"bft"}');
    assert.throws(() => readMigrationRecord(stateDir), /not a consensus migration record/);
  });
});

describe('consensus migration: the migrated network', function () {
  it('lists the system channel first, then each channel with a ledger on an orderer', function () {
    const chains = path.join(kafka.orderers[0]!.dir, 'data', 'chains');
    fs.mkdirSync(path.join(chains, 'audit'), { recursive: true });
    fs.mkdirSync(path.join(chains, 'system-channel'), { recursive: true });
    try {
      assert.deepEqual(orderedChannels(kafka), ['system-channel', 'audit', 'consortium']);
    } finally {
      fs.rmSync(path.join(stateDir, 'nodes'), { recursive: true, force: true });
    }
  });

  it('keeps its one orderer and the system channel its orderer bootstraps from', function () {
    assert.equal(migrated.orderers.length, 1);
    assert.equal(migrated.kafka, undefined);
    assert.ok(hasSystemChannel(migrated));
    const yaml = ordererYaml(migrated, migrated.orderers[0]!) as Record<string, Json>;
    assert.equal(yaml.General?.BootstrapMethod, 'file');
    assert.equal((yaml.ChannelParticipation as Json).Enabled, false);
  });

  it('is recorded in network.json, so up, status and down treat it as Raft', function () {
    const manifest = manifestFromOptions(kafka.options, '2.5.15');
    manifest.consensus = 'etcdraft';
    manifest.orderers = 1;
    manifest.systemChannel = true;
    const file = manifestPath(stateDir);
    writeManifest(file, manifest);
    const options = optionsFromManifest(readManifest(file)!, stateDir, {});
    fs.rmSync(file);
    const topology = buildTopology(options);
    assert.equal(topology.options.consensus, 'etcdraft');
    assert.equal(topology.orderers.length, 1);
    assert.ok(hasSystemChannel(topology));
  });
});

describe('consensus migration: refusals before anything changes', function () {
  const dir = tempDir('migrate-refusals');
  const migrate = (to = 'etcdraft') =>
    migrateConsensus({ home: dir, stateDir: dir, to, progress: () => undefined });
  const writeNetwork = (consensus: 'kafka' | 'etcdraft') => {
    const options = parseNetworkOptions({ stateDir: dir, consensus }, {});
    fs.mkdirSync(dir, { recursive: true });
    writeManifest(manifestPath(dir), manifestFromOptions(options, '2.5.15'));
  };
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('migrates only to etcdraft', async function () {
    writeNetwork('kafka');
    await assert.rejects(migrate('bft'), /from kafka to etcdraft only/);
  });

  it('has nothing to migrate on a network created with Raft', async function () {
    writeNetwork('etcdraft');
    await assert.rejects(migrate(), /created with Raft ordering; there is nothing to migrate/);
  });

  it('refuses when an orderer is not running, and records no migration', async function () {
    writeNetwork('kafka');
    await assert.rejects(migrate(), /orderer0 is not running/);
    assert.equal(readMigrationRecord(dir), undefined);
  });

  it('needs a network', async function () {
    await assert.rejects(migrate(), /there is no network/);
  });
});

describe('consensus migration: growing the Raft cluster', function () {
  it('adds a consenter and its address to the orderer org endpoints, once', function () {
    const config = kafkaConfig();
    const orderer = ((config.channel_group as Json).groups as Json).Orderer as Json;
    orderer.groups = {
      OrdererOrg: { values: { Endpoints: { value: { addresses: ['127.0.0.1:7050'] } } } },
    };
    applyEdit(config, 'enter-maintenance', metadata);
    applyEdit(config, 'switch-to-raft', metadata);
    const grown = buildTopology({ ...migrated.options, orderers: 3 });
    const third = raftMetadata(grown, () => 'PEM').consenters[2]!;
    addConsenter(config, third);
    const value = readConsensusType(config).metadata as { consenters: { port: number }[] };
    assert.deepEqual(
      value.consenters.map((consenter) => consenter.port),
      [grown.orderers[0]!.port, grown.orderers[2]!.port],
    );
    const endpoints = ((orderer.groups as Json).OrdererOrg as Json).values as Json;
    assert.deepEqual(((endpoints.Endpoints as Json).value as Json).addresses, [
      '127.0.0.1:7050',
      `127.0.0.1:${grown.orderers[2]!.port}`,
    ]);
    assert.equal(grown.orderers.length, 3);
  });
});
