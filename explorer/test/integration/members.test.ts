// SPDX-License-Identifier: Apache-2.0
// The members view over a real mirror: the real datasync follows constructed config blocks into
// an embedded Postgres while the explorer runs, and the explorer's members API follows them.
import assert from 'node:assert/strict';
import fs from 'node:fs';

import type { BuiltBlock } from '@consortia/datasync/testing';
import { configBlock, membershipConfig } from '@consortia/datasync/testing';

import type { MembersAnswer } from '../../src/http/members-types';
import type { RunningService } from '../../src/service';
import { explorerEnv, loginCookie, startTestExplorer } from '../support/explorer';
import { eventually, tempDir } from '../support/infra';
import type { TestMirror } from '../support/mirror';
import { startMirror } from '../support/mirror';

const CHANNEL = 'consortium';

describe('explorer members from the channel config (real mirror)', function () {
  this.timeout(180_000);
  let dir: string;
  let mirror: TestMirror;
  let running: RunningService | undefined;
  let base: string;
  let cookie: string;
  const blocks: BuiltBlock[] = [];
  const nextConfig = (mspIds: string[]) => {
    const previous = blocks.at(-1);
    const built = configBlock(CHANNEL, blocks.length, previous?.hash, membershipConfig(mspIds));
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

    mirror.source.append(nextConfig(['Org1MSP', 'Org2MSP', 'Org3MSP']));
    await eventually('Org3 listed', async () =>
      (await members()).members.some((member) => member.mspId === 'Org3MSP') ? true : undefined,
    );
    mirror.source.append(nextConfig(['Org1MSP', 'Org3MSP']));
    await eventually('Org2 gone', async () =>
      (await members()).members.some((member) => member.mspId === 'Org2MSP') ? undefined : true,
    );
    const newest = await members();
    assert.equal(newest.configBlock, 2);
    assert.deepEqual(
      newest.members.map((member) => member.mspId),
      ['Org1MSP', 'Org3MSP'],
    );
    const all = (await members('/api/members')) as unknown as { channels: MembersAnswer[] };
    assert.deepEqual(
      all.channels.map((channel) => [channel.channel, channel.configBlock]),
      [[CHANNEL, 2]],
    );
  });

  it('answers an empty list for a channel without a mirrored config block, and 400 for a bad name', async function () {
    assert.deepEqual(await members('/api/channels/other/members'), {
      channel: 'other',
      configBlock: null,
      members: [],
      ordererOrgs: [],
    });
    const bad = await fetch(`${base}/api/channels/Not_A_Channel/members`, { headers: { cookie } });
    assert.equal(bad.status, 400);
  });
});
