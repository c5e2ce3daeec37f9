// SPDX-License-Identifier: Apache-2.0
// Membership from config blocks against a real mirror: the real ChannelSync follows constructed
// blocks into an embedded Postgres, and the read layer answers each channel's newest members.
import assert from 'node:assert/strict';

import { freePort } from '@consortia/common/testing';

import { channelMemberships, mirrorDb } from '../../src/read';
import { ChannelSync } from '../../src/sync/channel-sync';
import type { BuiltBlock } from '../../src/testing/blocks';
import { configBlock, endorserBlock } from '../../src/testing/blocks';
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
  });
});
