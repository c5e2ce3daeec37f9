// SPDX-License-Identifier: Apache-2.0
// Private details through the app-api on the whole real stack: a member creates and updates an
// asset with private details; the mirror shows only their hash; the owner organization reads
// them back through its DAPP, and a DAPP of the other organization is refused. Skipped, with the
// reason, where Fabric cannot run.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';

import { hashApiKey, readConfig as readDappConfig, startService } from '@consortia/dapp';
import type { RunningService } from '@consortia/dapp';
import { HOST, orgTlsCaFile, orgUserDir } from '@consortia/network';
import { testNetworkUnavailable } from '@consortia/network/testing';

import type { RealStack } from '../support/real-stack';
import { startRealStack } from '../support/real-stack';
import type { LoggedIn } from '../support/stack';
import { call, login, quietLogger } from '../support/stack';

const log = (message: string) => process.stderr.write(`      ${message}\n`);
const ADMIN = { username: 'private-admin', password: 'network admin pass 2026' };
const PASSWORD = 'network user pass 2026';

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

interface Committed {
  status: string;
  txId: string;
  blockNumber: number;
  result: { privateDetailsHash: string };
}

describe('app-api private details on the real stack (Fabric network, DAPP, datasync)', function () {
  this.timeout(900_000);
  let stack: RealStack;
  let member: LoggedIn;
  let otherOrg: { service: RunningService; base: string; key: string } | undefined;
  const run = crypto.randomBytes(3).toString('hex');
  const assetId = `APPRAISED-${run}`;
  const memberName = `appraiser-${run}`;

  async function readDetails(base: string, key: string) {
    const channel = stack.network.topology.options.channel;
    const response = await fetch(
      `${base}/v1/channels/${channel}/chaincodes/${stack.network.chaincode}/queries`,
      {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({
          function: 'AssetContract:ReadAssetPrivateDetails',
          args: [assetId],
        }),
      },
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  before(async function () {
    const unavailable = testNetworkUnavailable();
    if (unavailable) {
      log(`${unavailable}: skipped`);
      this.skip();
    }
    stack = await startRealStack('private', ADMIN, log);
    const admin = await login(stack.api.base, ADMIN.username, ADMIN.password);
    const created = await call(stack.api.base, 'POST', '/v1/users', {
      token: admin.accessToken,
      body: {
        username: memberName,
        password: PASSWORD,
        roles: ['member'],
        fabricIdentity: stack.identities.own,
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    member = await login(stack.api.base, memberName, PASSWORD);

    // A DAPP of the other organization, on its own peers, as that organization's User1.
    const { topology } = stack.network;
    const org2 = topology.orgs.find((org) => org.mspId !== stack.network.org.mspId);
    assert.ok(org2);
    const key = await hashApiKey('org2-reader');
    const service = await startService(
      readDappConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        FABRIC_MSP_ID: org2.mspId,
        FABRIC_CHANNEL: topology.options.channel,
        FABRIC_CHAINCODE: stack.network.chaincode,
        FABRIC_PEER_ENDPOINTS: org2.peers.map((peer) => `${HOST}:${peer.port}`).join(','),
        FABRIC_TLS_CA_FILE: orgTlsCaFile(topology, org2),
        FABRIC_IDENTITY_DIR: path.join(orgUserDir(topology, org2), 'msp'),
        DAPP_API_KEYS: key.entry,
        DAPP_IN_PROCESS_WORKER: 'false',
        DATABASE_URL: await stack.databases.extraUrl('dapp_org2'),
        KAFKA_BROKERS: topology.kafka ? `${HOST}:${topology.kafka.port}` : '',
      }),
      quietLogger('dapp-org2'),
      'serve',
    );
    otherOrg = { service, base: `http://127.0.0.1:${service.port ?? 0}`, key: key.key };
  });

  after(async function () {
    await otherOrg?.service.stop();
    await stack?.stop();
  });

  it('creates an asset with private details; the mirror holds only their hash', async function () {
    const created = await call<Committed>(stack.api.base, 'POST', '/v1/assets?wait=true', {
      token: member.accessToken,
      body: {
        id: assetId,
        type: 'container',
        attributes: { color: 'amber' },
        privateDetails: { appraisedValue: 900 },
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.status, 'committed');
    const hash = sha256('{"appraisedValue":900}');
    assert.equal(created.body.result.privateDetailsHash, hash);

    const mirrored = await call<{ asset: Record<string, unknown> }>(
      stack.api.base,
      'GET',
      `/v1/assets/${assetId}?minBlock=${created.body.blockNumber}`,
      { token: member.accessToken },
    );
    assert.equal(mirrored.status, 200, JSON.stringify(mirrored.body));
    assert.equal(mirrored.body.asset.privateDetailsHash, hash);
    assert.doesNotMatch(JSON.stringify(mirrored.body), /appraisedValue/);

    const owner = await readDetails(stack.dappBase, stack.dappKey);
    assert.equal(owner.status, 200, JSON.stringify(owner.body));
    assert.deepEqual((owner.body.result as { details: unknown }).details, { appraisedValue: 900 });
    assert.ok(otherOrg);
    const other = await readDetails(otherOrg.base, otherOrg.key);
    assert.equal(other.status, 403, JSON.stringify(other.body));
  });

  it('updates them through the app-api', async function () {
    const updated = await call<Committed>(stack.api.base, 'PUT', `/v1/assets/${assetId}`, {
      token: member.accessToken,
      body: {
        attributes: { color: 'amber' },
        status: 'ACTIVE',
        privateDetails: { appraisedValue: 990 },
      },
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.result.privateDetailsHash, sha256('{"appraisedValue":990}'));
    const owner = await readDetails(stack.dappBase, stack.dappKey);
    assert.deepEqual((owner.body.result as { details: unknown }).details, { appraisedValue: 990 });
    assert.ok(otherOrg);
    assert.equal((await readDetails(otherOrg.base, otherOrg.key)).status, 403);
  });
});
