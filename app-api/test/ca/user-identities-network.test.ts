// SPDX-License-Identifier: Apache-2.0
/**
 * Per-user Fabric identities end to end on a network whose certificates come from Fabric CAs:
 * a user created through the app-api is registered and enrolled at Org1's CA by the DAPP, and a
 * transfer they make is signed with their own key, so the ledger (as the mirror records each
 * transaction's creator) attributes it to them and not to the DAPP's default identity.
 *
 * Too slow for CI (nine CAs beside the network): `npm run test:ca -w @consortia/app-api`. The
 * network is brought up (or resumed) in CONSORTIA_CA_TEST_NETWORK (default
 * $TMPDIR/consortia-ca-network) at CONSORTIA_CA_TEST_BASE_PORT (default 15000) and left running;
 * `node network/bin/consortia.js down --state-dir <dir> --purge` removes it.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';

import { onlyFile } from '@consortia/common/fabric';
import type { RunningService as RunningDapp } from '@consortia/dapp';
import {
  hashApiKey,
  readConfig as readDappConfig,
  startService as startDapp,
} from '@consortia/dapp';
import type { RunningService as RunningDatasync } from '@consortia/datasync';
import { HOST, orgTlsCaFile, orgUserDir } from '@consortia/network';
import { caTestNetwork, testCasUnavailable } from '@consortia/network/testing';
import pg from 'pg';

import type { LoggedIn, TestApi, TestDatabases } from '../support/stack';
import {
  appApiEnv,
  call,
  login,
  quietLogger,
  startAppApi,
  startDatabases,
  startMirror,
  waitUntil,
} from '../support/stack';

const ADMIN = { username: 'root', password: 'first admin pass 2026' };
const PASSWORD = 'portal user pass 2026';

describe('a user created through the app-api signs with their own CA-issued identity', function () {
  this.timeout(900_000);
  let databases: TestDatabases;
  let dapp: RunningDapp | undefined;
  let datasync: RunningDatasync | undefined;
  let api: TestApi | undefined;
  let admin: LoggedIn;
  let dappKey: string;
  let channel: string;
  const username = `kim-${Date.now().toString(36)}`;

  before(async function () {
    const unavailable = testCasUnavailable();
    if (unavailable) {
      console.log(`      skipped: ${unavailable}`);
      this.skip();
    }
    const network = await caTestNetwork();
    const { topology, org, chaincode, ca } = network;
    const userMsp = path.join(orgUserDir(topology, org), 'msp');
    const peers = org.peers.map((peer) => `${HOST}:${peer.port}`).join(',');
    databases = await startDatabases('ca-identities');
    const key = await hashApiKey('app-api', undefined, ['default', '@users', '@identity-admin']);
    dappKey = key.key;
    channel = topology.options.channel;
    dapp = await startDapp(
      readDappConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        FABRIC_MSP_ID: org.mspId,
        FABRIC_CHANNEL: topology.options.channel,
        FABRIC_CHAINCODE: chaincode,
        FABRIC_PEER_ENDPOINTS: peers,
        FABRIC_TLS_CA_FILE: orgTlsCaFile(topology, org),
        FABRIC_IDENTITY_DIR: userMsp,
        FABRIC_IDENTITY_KEKS: `k1:${crypto.randomBytes(32).toString('base64')}`,
        FABRIC_CA_URL: ca.url,
        FABRIC_CA_TLS_SERVER_NAME: ca.serverName,
        FABRIC_CA_TLS_CA_FILE: ca.tlsRootsFile,
        FABRIC_CA_REGISTRAR_CERT_FILE: ca.registrarCertFile,
        FABRIC_CA_REGISTRAR_KEY_FILE: ca.registrarKeyFile,
        DAPP_API_KEYS: key.entry,
        DATABASE_URL: await databases.extraUrl('dapp'),
      }),
      quietLogger('dapp-test'),
      'serve',
    );
    datasync = await startMirror(databases.mirrorUrl, undefined, {
      FABRIC_MSP_ID: org.mspId,
      FABRIC_CHANNEL: topology.options.channel,
      FABRIC_CHAINCODE: chaincode,
      FABRIC_PEER_ENDPOINTS: peers,
      FABRIC_CERT_FILE: onlyFile(path.join(userMsp, 'signcerts')),
      FABRIC_KEY_FILE: onlyFile(path.join(userMsp, 'keystore')),
      FABRIC_TLS_CA_FILE: orgTlsCaFile(topology, org),
    });
    api = await startAppApi(
      appApiEnv(databases, {
        DAPP_URL: `http://127.0.0.1:${dapp.port ?? 0}`,
        DAPP_API_KEY: key.key,
        FABRIC_CHANNEL: topology.options.channel,
        FABRIC_CHAINCODE: chaincode,
        APP_API_ADMIN_USERNAME: ADMIN.username,
        APP_API_ADMIN_PASSWORD: ADMIN.password,
        APP_API_USER_IDENTITIES: 'true',
        APP_API_WAIT_TIMEOUT_MS: '60000',
      }),
    );
    admin = await login(api.base, ADMIN.username, ADMIN.password);
  });

  after(async function () {
    await api?.stop();
    for (const step of datasync?.shutdownSteps ?? []) await step.run();
    await dapp?.stop();
    await databases?.stop();
  });

  it('creates the user with an enrolled identity; the ledger attributes their transfers to them, before and after re-enrollment', async function () {
    const base = api!.base;
    const created = await call(base, 'POST', '/v1/users', {
      token: admin.accessToken,
      body: { username, password: PASSWORD, roles: ['member'] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.fabricIdentity, `user:${username}`);
    const user = await login(base, username, PASSWORD);

    const accountOf = async (token: string) => {
      const answer = await call(base, 'GET', '/v1/tokens/account', { token });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return String(answer.body.account);
    };
    const own = await accountOf(user.accessToken);
    const adminAccount = await accountOf(admin.accessToken);
    assert.notEqual(own, adminAccount, 'the user has a token account of their own');

    const minted = await call(base, 'POST', '/v1/tokens/mint', {
      token: admin.accessToken,
      body: { to: own, amount: '5' },
    });
    assert.equal(minted.status, 201, JSON.stringify(minted.body));
    const transfer = async () => {
      const sent = await call(base, 'POST', '/v1/tokens/transfers?wait=true', {
        token: user.accessToken,
        body: { to: adminAccount, amount: '1' },
      });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      return String(sent.body.txId);
    };
    await assertCreator(await transfer());

    // re-enrolled: a new certificate and key, still the user's
    const identityRoute = `/v1/users/${username}/fabric-identity`;
    const before = await call(base, 'GET', identityRoute, { token: admin.accessToken });
    assert.equal(before.status, 200, JSON.stringify(before.body));
    const after = await call(base, 'POST', `${identityRoute}/reenroll`, {
      token: admin.accessToken,
    });
    assert.equal(after.status, 200, JSON.stringify(after.body));
    assert.notEqual(after.body.serialNumber, before.body.serialNumber);
    // it spends what was minted to the account of the first certificate: the account is the user's
    await assertCreator(await transfer());
  });

  it("refuses, in the chaincode, another user's transfer of the user's asset", async function () {
    const base = api!.base;
    const user = await login(base, username, PASSWORD);
    const assetId = `asset-${username}`;
    const made = await call(base, 'POST', '/v1/assets?wait=true', {
      token: user.accessToken,
      body: { id: assetId, type: 'container', attributes: {} },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const other = `${username}-other`;
    const created = await call(base, 'POST', '/v1/users', {
      token: admin.accessToken,
      body: { username: other, password: PASSWORD, roles: ['member'] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // straight to the DAPP as the other user: the ledger, not the app-api, must refuse it
    const asOther = async (to: string) => {
      const response = await fetch(
        `http://127.0.0.1:${dapp!.port ?? 0}/v1/channels/${channel}/chaincodes/consortia/transactions`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-api-key': dappKey,
            'x-fabric-identity': `user:${other}`,
          },
          body: JSON.stringify({
            function: 'AssetContract:TransferAsset',
            args: [assetId, 'Org1MSP', to, ''],
          }),
        },
      );
      const answer = (await response.json()) as { error?: { chaincode?: { code?: string } } };
      return { status: response.status, body: answer };
    };
    const refused = await asOther(other);
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.error?.chaincode?.code, 'FORBIDDEN');
    const moved = await call(base, 'POST', `/v1/assets/${assetId}/transfer?wait=true`, {
      token: user.accessToken,
      body: { newOwnerMspId: 'Org1MSP', newOwnerId: other },
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal((await asOther(username)).status, 200, 'now theirs to move');
  });

  /** The mirror records the transaction with the user's certificate as its creator. */
  async function assertCreator(txId: string): Promise<void> {
    const mirror = new pg.Pool({ connectionString: databases.mirrorUrl, max: 1 });
    try {
      let row: { creator_msp: string; creator_subject: string } | undefined;
      await waitUntil(
        'the mirror to record the transfer',
        async () => {
          ({
            rows: [row],
          } = await mirror.query<{ creator_msp: string; creator_subject: string }>(
            'SELECT creator_msp, creator_subject FROM transactions WHERE tx_id = $1',
            [txId],
          ));
          return row !== undefined;
        },
        120_000,
      );
      assert.equal(row?.creator_msp, 'Org1MSP');
      assert.match(row?.creator_subject ?? '', new RegExp(`CN=${username}\\b`));
    } finally {
      await mirror.end();
    }
  }
});
