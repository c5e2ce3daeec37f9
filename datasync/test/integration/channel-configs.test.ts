// SPDX-License-Identifier: Apache-2.0
// Membership from config blocks against a real mirror: the real ChannelSync follows constructed
// blocks into an embedded Postgres, and the read layer answers each channel's newest members.
import assert from 'node:assert/strict';

import { freePort } from '@consortia/common/testing';

import { channelMemberships, mirrorDb, orderingHistory } from '../../src/read';
import { ChannelSync } from '../../src/sync/channel-sync';
import type { BuiltBlock } from '../../src/testing/blocks';
import { configBlock, endorserBlock } from '../../src/testing/blocks';
import type { OrderingSpec } from '../../src/testing/channel-configs';
import { membershipConfig } from '../../src/testing/channel-configs';
import { ReplayBlockSource } from '../../src/testing/replay-source';
import type { TestPostgres } from '../support/postgres';
import { quietLogger, startPostgres, waitUntil } from '../support/postgres';

const CHANNEL = 'members';

/** Genesis with Org1 and Org2, a transaction, then config blocks with the given members each. */
function chain(...updates: string[][]): BuiltBlock[] {
  const blocks = [configBlock(CHANNEL, 0, undefined, membershipConfig(['Org1MSP', 'Org2MSP']))];
  const tx = endorserBlock(CHANNEL, 1, blocks[0]!.hash, [{ txId: 'b'.repeat(64), writes: [] }]);
  blocks.push(tx);
  for (const members of updates) {
    const previous = blocks[blocks.length - 1]!;
    blocks.push(configBlock(CHANNEL, blocks.length, previous.hash, membershipConfig(members)));
  }
  return blocks;
}

describe('channel members from mirrored config blocks (real Postgres)', function () {
  this.timeout(120_000);
  let postgres: TestPostgres;

  before(async function () {
    postgres = await startPostgres('channel-configs', await freePort());
  });

  after(async function () {
    await postgres.stop();
  });

  it('follows an organization joining and another leaving, without restarting anything', async function () {
    const blocks = chain(['Org1MSP', 'Org2MSP', 'Org3MSP'], ['Org1MSP', 'Org3MSP']);
    const source = new ReplayBlockSource(blocks.slice(0, 2).map((built) => built.block));
    const sync = new ChannelSync({
      channel: CHANNEL,
      source,
      pool: postgres.pool,
      logger: quietLogger(),
    });
    const db = mirrorDb(postgres.pool);
    const members = async () =>
      (await channelMemberships(db, CHANNEL))[0]?.members.map((member) => member.mspId);
    sync.start();
    try {
      await waitUntil('the genesis members', async () => (await members())?.length === 2);
      assert.deepEqual(await members(), ['Org1MSP', 'Org2MSP']);
      source.append(blocks[2]!.block);
      await waitUntil('Org3 joined', async () => (await members())?.includes('Org3MSP') === true);
      source.append(blocks[3]!.block);
      await waitUntil('Org2 left', async () => (await members())?.includes('Org2MSP') === false);
    } finally {
      await sync.stop();
    }
    const [newest] = await channelMemberships(db, CHANNEL);
    assert.equal(newest?.configBlock, 3);
    assert.deepEqual(
      newest.members.map((member) => member.mspId),
      ['Org1MSP', 'Org3MSP'],
    );
    assert.deepEqual(newest.members[1]?.anchorPeers, [{ host: 'peer0.org3msp', port: 7051 }]);
    assert.deepEqual(
      newest.ordererOrgs.map((org) => org.mspId),
      ['OrdererMSP'],
    );
    // every channel at once; a channel without a mirrored config block has no answer
    assert.deepEqual(
      (await channelMemberships(db)).map((membership) => membership.channel),
      [CHANNEL],
    );
    assert.deepEqual(await channelMemberships(db, 'other'), []);
    // these configs have no ConsensusType value
    assert.equal(newest.ordering, null);
  });

  it('keeps the ordering of each config block, so a Kafka to Raft migration reads step by step', async function () {
    const channel = 'migrating';
    const brokers = ['kafka0:9092', 'kafka1:9092', 'kafka2:9092'];
    const consenters = ['orderer0:7050', 'orderer1:8050', 'orderer2:9050'];
    const steps: OrderingSpec[] = [
      { type: 'kafka', kafkaBrokers: brokers },
      { type: 'kafka', state: 'maintenance', kafkaBrokers: brokers },
      { type: 'etcdraft', state: 'maintenance', consenters, kafkaBrokers: brokers },
      { type: 'etcdraft', consenters, kafkaBrokers: brokers },
    ];
    const blocks: BuiltBlock[] = [];
    for (const step of steps) {
      const previous = blocks.at(-1);
      blocks.push(
        configBlock(channel, blocks.length, previous?.hash, membershipConfig(['Org1MSP'], step)),
      );
    }
    const source = new ReplayBlockSource(blocks.map((built) => built.block));
    const sync = new ChannelSync({ channel, source, pool: postgres.pool, logger: quietLogger() });
    const db = mirrorDb(postgres.pool);
    sync.start();
    try {
      await waitUntil(
        'the four config blocks',
        async () => (await channelMemberships(db, channel))[0]?.configBlock === 3,
      );
    } finally {
      await sync.stop();
    }
    const [newest] = await channelMemberships(db, channel);
    assert.deepEqual(newest?.ordering, {
      consensusType: 'etcdraft',
      state: 'normal',
      consenters: [
        { host: 'orderer0', port: 7050 },
        { host: 'orderer1', port: 8050 },
        { host: 'orderer2', port: 9050 },
      ],
      kafkaBrokers: [],
    });
    const history = await orderingHistory(db, channel);
    assert.deepEqual(
      history.map(({ configBlock, ordering }) => [
        configBlock,
        ordering?.consensusType,
        ordering?.state,
        ordering?.consenters.length,
        ordering?.kafkaBrokers,
      ]),
      [
        [3, 'etcdraft', 'normal', 3, []],
        [2, 'etcdraft', 'maintenance', 3, []],
        [1, 'kafka', 'maintenance', 0, brokers],
        [0, 'kafka', 'normal', 0, brokers],
      ],
    );
    assert.deepEqual(
      (await orderingHistory(db, channel, 2)).map((entry) => entry.configBlock),
      [3, 2],
    );
    assert.deepEqual(await orderingHistory(db, 'other'), []);
    // the other channel's configs, recorded without a ConsensusType, read as no ordering
    assert.ok((await orderingHistory(db, CHANNEL)).every((entry) => entry.ordering === null));
    // the four ordering columns are NULL together or not at all
    await assert.rejects(
      postgres.pool.query(
        `INSERT INTO channel_configs (channel, block_number, members, orderer_orgs, consensus_type)
         VALUES ('half', 0, '[]', '[]', 'kafka')`,
      ),
      /channel_configs_ordering_whole/,
    );
  });
});
