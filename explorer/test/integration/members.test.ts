// SPDX-License-Identifier: Apache-2.0
// The members view over a real mirror: the real datasync follows constructed config blocks into
// an embedded Postgres while the explorer runs, and the explorer's members API follows them.
import assert from 'node:assert/strict';
import fs from 'node:fs';

import type { BuiltBlock } from '@consortia/datasync/testing';
import type { OrderingSpec } from '@consortia/datasync/testing';
import { configBlock, membershipConfig } from '@consortia/datasync/testing';

import type { MembersAnswer } from '../../src/http/members-types';
import type { RunningService } from '../../src/service';
import { explorerEnv, loginCookie, startTestExplorer } from '../support/explorer';
import { eventually, tempDir } from '../support/infra';
import type { TestMirror } from '../support/mirror';
import { startMirror } from '../support/mirror';

const CHANNEL = 'consortium';
const BROKERS = ['kafka0:9092', 'kafka1:9092', 'kafka2:9092'];
const CONSENTERS = ['orderer0:7050', 'orderer1:7050', 'orderer2:7050'];
const KAFKA: OrderingSpec = { type: 'kafka', kafkaBrokers: BROKERS };

describe('explorer members from the channel config (real mirror)', function () {
  this.timeout(180_000);
  let dir: string;
  let mirror: TestMirror;
  let running: RunningService | undefined;
  let base: string;
  let cookie: string;
  const blocks: BuiltBlock[] = [];
  const nextConfig = (mspIds: string[], ordering: OrderingSpec = KAFKA) => {
    const previous = blocks.at(-1);
    const built = configBlock(
      CHANNEL,
      blocks.length,
      previous?.hash,
      membershipConfig(mspIds, ordering),
    );
    blocks.push(built);
    return built.block;
  };

  async function members(route = `/api/channels/${CHANNEL}/members`): Promise<MembersAnswer> {
    const response = await fetch(`${base}${route}`, { headers: { cookie } });
    const body = (await response.json()) as MembersAnswer;
    assert.equal(response.status, 200, JSON.stringify(body));
    return body;
  }

  before(async function () {
    dir = tempDir('members');
    mirror = await startMirror(dir, CHANNEL, [nextConfig(['Org1MSP', 'Org2MSP'])]);
    await mirror.mirrored(CHANNEL, 0);
    const started = await startTestExplorer(await explorerEnv(mirror.database.connectionString));
    running = started.explorer;
    base = started.base;
    cookie = await loginCookie(base);
  });

  after(async function () {
    await running?.stop();
    await mirror?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists the members and anchor peers of the newest config block, following updates live', async function () {
    const genesis = await members();
    assert.equal(genesis.configBlock, 0);
    assert.deepEqual(
      genesis.members.map((member) => [member.mspId, member.anchorPeers]),
      [
        ['Org1MSP', [{ host: 'peer0.org1msp', port: 7051 }]],
        ['Org2MSP', [{ host: 'peer0.org2msp', port: 7051 }]],
      ],
    );
    assert.deepEqual(
      genesis.ordererOrgs.map((org) => org.mspId),
      ['OrdererMSP'],
    );

    assert.deepEqual(genesis.ordering, {
      consensusType: 'kafka',
      state: 'normal',
      consenters: [],
      kafkaBrokers: BROKERS,
    });
    assert.deepEqual(
      genesis.history.map((entry) => [entry.configBlock, entry.ordering?.consensusType]),
      [[0, 'kafka']],
    );

    mirror.source.append(
      nextConfig(['Org1MSP', 'Org2MSP', 'Org3MSP'], { ...KAFKA, state: 'maintenance' }),
    );
    await eventually('Org3 listed', async () =>
      (await members()).members.some((member) => member.mspId === 'Org3MSP') ? true : undefined,
    );
    // a Kafka to Raft migration: the type changes in maintenance, then maintenance ends
    mirror.source.append(
      nextConfig(['Org1MSP', 'Org3MSP'], {
        type: 'etcdraft',
        state: 'maintenance',
        consenters: CONSENTERS,
        kafkaBrokers: BROKERS,
      }),
    );
    await eventually('Org2 gone', async () =>
      (await members()).members.some((member) => member.mspId === 'Org2MSP') ? undefined : true,
    );
    mirror.source.append(
      nextConfig(['Org1MSP', 'Org3MSP'], { type: 'etcdraft', consenters: CONSENTERS }),
    );
    await eventually('maintenance over', async () =>
      (await members()).ordering?.state === 'normal' ? true : undefined,
    );
    const newest = await members();
    assert.equal(newest.configBlock, 3);
    assert.deepEqual(newest.ordering, {
      consensusType: 'etcdraft',
      state: 'normal',
      consenters: CONSENTERS.map((address) => ({ host: address.split(':')[0], port: 7050 })),
      kafkaBrokers: [],
    });
    assert.deepEqual(
      newest.history.map((entry) => [
        entry.configBlock,
        entry.ordering?.consensusType,
        entry.ordering?.state,
      ]),
      [
        [3, 'etcdraft', 'normal'],
        [2, 'etcdraft', 'maintenance'],
        [1, 'kafka', 'maintenance'],
        [0, 'kafka', 'normal'],
      ],
    );
    assert.deepEqual(
      newest.members.map((member) => member.mspId),
      ['Org1MSP', 'Org3MSP'],
    );
    const all = (await members('/api/members')) as unknown as { channels: MembersAnswer[] };
    assert.deepEqual(
      all.channels.map((channel) => [
        channel.channel,
        channel.configBlock,
        channel.ordering?.consensusType,
      ]),
      [[CHANNEL, 3, 'etcdraft']],
    );
  });

  it('answers an empty list for a channel without a mirrored config block, and 400 for a bad name', async function () {
    assert.deepEqual(await members('/api/channels/other/members'), {
      channel: 'other',
      configBlock: null,
      members: [],
      ordererOrgs: [],
      ordering: null,
      history: [],
    });
    const bad = await fetch(`${base}/api/channels/Not_A_Channel/members`, { headers: { cookie } });
    assert.equal(bad.status, 400);
  });
});
