// SPDX-License-Identifier: Apache-2.0
// The channel's members from the mirror's config blocks, through the app-api: a real datasync
// follows constructed blocks into a real Postgres while the app-api runs, unrestarted.
import assert from 'node:assert/strict';

import { configBlock, membershipConfig, ReplayBlockSource } from '@consortia/datasync/testing';

import { CHANNEL } from '../support/ledger';
import type { MirroredApi, TestApi } from '../support/stack';
import { call, login, startMirroredApi, TEST_ADMIN, waitUntil } from '../support/stack';

interface Members {
  channel: string;
  configBlock: number | null;
  members: { mspId: string; anchorPeers: { host: string; port: number }[] }[];
  ordering: {
    consensusType: string;
    state: string;
    consenters: { host: string; port: number }[];
    kafkaBrokers: string[];
  } | null;
}

describe('app-api members from the channel config (real mirror)', function () {
  this.timeout(180_000);
  let stack: MirroredApi;
  let api: TestApi;
  const genesis = configBlock(
    CHANNEL,
    0,
    undefined,
    membershipConfig(['Org1MSP', 'Org2MSP'], { type: 'kafka', kafkaBrokers: ['kafka0:9092'] }),
  );
  const source = new ReplayBlockSource([genesis.block]);

  before(async function () {
    stack = await startMirroredApi('members', source, { syncedBlock: 0 });
    ({ api } = stack);
  });

  after(async function () {
    await stack?.stop();
  });

  it('lists the members of the newest config block, and a joining one without a restart', async function () {
    const { accessToken } = await login(api.base, TEST_ADMIN.username, TEST_ADMIN.password);
    const members = async () => {
      const answer = await call<Members>(api.base, 'GET', '/v1/members', { token: accessToken });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body;
    };
    const first = await members();
    assert.equal(first.channel, CHANNEL);
    assert.equal(first.configBlock, 0);
    assert.deepEqual(
      first.members.map((member) => member.mspId),
      ['Org1MSP', 'Org2MSP'],
    );
    assert.deepEqual(first.ordering, {
      consensusType: 'kafka',
      state: 'normal',
      consenters: [],
      kafkaBrokers: ['kafka0:9092'],
    });
    source.append(
      configBlock(
        CHANNEL,
        1,
        genesis.hash,
        membershipConfig(['Org1MSP', 'Org2MSP', 'Org3MSP'], {
          type: 'etcdraft',
          state: 'maintenance',
          consenters: ['orderer0:7050', 'orderer1:7050', 'orderer2:7050'],
        }),
      ).block,
    );
    await waitUntil('Org3 listed', async () => (await members()).members.length === 3);
    const joined = await members();
    assert.equal(joined.configBlock, 1);
    assert.deepEqual(joined.members[2]?.anchorPeers, [{ host: 'peer0.org3msp', port: 7051 }]);
    // the answer matched the document (the app-api withholds one that does not) with the ordering
    assert.equal(joined.ordering?.consensusType, 'etcdraft');
    assert.equal(joined.ordering?.state, 'maintenance');
    assert.deepEqual(
      joined.ordering?.consenters.map(({ host, port }) => `${host}:${port}`),
      ['orderer0:7050', 'orderer1:7050', 'orderer2:7050'],
    );
    assert.deepEqual(joined.ordering?.kafkaBrokers, []);
  });
});
