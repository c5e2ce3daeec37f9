// SPDX-License-Identifier: Apache-2.0
/**
 * Per-user Fabric identities end to end on a network whose certificates come from Fabric CAs:
 * a user created through the app-api is registered and enrolled at Org1's CA by the DAPP, and a
 * transfer they make is signed with their own key, so the ledger (as the mirror records each
 * transaction's creator) attributes it to them and not to the DAPP's default identity. A user
 * revoked through the app-api is refused by the network once the org admin's publisher has put
 * the CA's CRL into the org's channel MSP (a config block the mirror records); others carry on.
 *
 * Too slow for CI (nine CAs beside the network): `npm run test:ca -w @consortia/app-api`. The
 * network is brought up (or resumed) in CONSORTIA_CA_TEST_NETWORK (default
 * $TMPDIR/consortia-ca-network) at CONSORTIA_CA_TEST_BASE_PORT (default 15000) and left running;
 * `node network/bin/consortia.js down --state-dir <dir> --purge` removes it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { revokedSerials } from '@consortia/common';
import { openGateway } from '@consortia/common/fabric';
import type { GatewayIdentity } from '@consortia/common/fabric';
import { parseKeks, UserIdentityVault } from '@consortia/dapp';
import { consortiaHome, HOST, orgTlsCaFile, publishCrl } from '@consortia/network';
import { testCasUnavailable } from '@consortia/network/testing';
import pg from 'pg';

import type { LoggedIn } from '../support/stack';
import { call, login, waitUntil } from '../support/stack';
import type { CaStack } from './ca-stack';
import { startCaStack } from './ca-stack';

const PASSWORD = 'portal user pass 2026';

describe('a user created through the app-api signs with their own CA-issued identity', function () {
  this.timeout(900_000);
  let stack: CaStack;
  let admin: LoggedIn;
  const username = `kim-${Date.now().toString(36)}`;

  before(async function () {
    const unavailable = testCasUnavailable();
    if (unavailable) {
      console.log(`      skipped: ${unavailable}`);
      this.skip();
    }
    stack = await startCaStack();
    admin = stack.admin;
  });

  after(async function () {
    await stack?.stop();
  });

  it('creates the user with an enrolled identity; the ledger attributes their transfers to them, before and after re-enrollment', async function () {
    const { base } = stack.api;
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

  it("refuses, in the chaincode, another user's transfer of the user's asset, and a member's mint or token administration", async function () {
    const { base } = stack.api;
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
    const asOther = (to: string) =>
      viaDapp(other, 'AssetContract:TransferAsset', [assetId, 'Org1MSP', to, '']);
    const refused = await asOther(other);
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.error?.chaincode?.code, 'FORBIDDEN');
    const moved = await call(base, 'POST', `/v1/assets/${assetId}/transfer?wait=true`, {
      token: user.accessToken,
      body: { newOwnerMspId: 'Org1MSP', newOwnerId: other },
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal((await asOther(username)).status, 200, 'now theirs to move');
    // a member's certificate of the token admin org neither mints nor governs the token
    const minted = await viaDapp(other, 'TokenContract:Mint', ['a'.repeat(64), '1']);
    assert.equal(minted.status, 403, JSON.stringify(minted.body));
    assert.equal(minted.body.error?.chaincode?.code, 'FORBIDDEN');
    const ruled = await viaDapp(other, 'TokenContract:SetMinterRule', [['Org1MSP'], '', '']);
    assert.equal(ruled.body.error?.chaincode?.code, 'FORBIDDEN', JSON.stringify(ruled.body));
  });

  it("revokes a user through the app-api; once the org admin publishes the CA's CRL, the network refuses them and others carry on", async function () {
    const { base } = stack.api;
    const victim = `${username}-rev`;
    const bystander = `${username}-by`;
    for (const name of [victim, bystander]) {
      const created = await call(base, 'POST', '/v1/users', {
        token: admin.accessToken,
        body: { username: name, password: PASSWORD, roles: ['member'] },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    const asVictim = await login(base, victim, PASSWORD);
    const assetId = `asset-${victim}`;
    const made = await call(base, 'POST', '/v1/assets?wait=true', {
      token: asVictim.accessToken,
      body: { id: assetId, type: 'container', attributes: {} },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));

    // the user's key as it is sealed in the DAPP: what someone holding it could still sign with
    const stolen = await sealedIdentity(`user:${victim}`);
    const revoked = await call(base, 'POST', `/v1/users/${victim}/fabric-identity/revoke`, {
      token: admin.accessToken,
      body: { reason: 'keycompromise' },
    });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assert.equal(revoked.body.revoked, true);
    assert.ok(revokedSerials(String(revoked.body.crl)).includes(String(revoked.body.serialNumber)));
    const refusedByDapp = await call(base, 'PUT', `/v1/assets/${assetId}`, {
      token: asVictim.accessToken,
      body: { attributes: { note: 'after revocation' }, status: 'ACTIVE' },
    });
    assert.ok(refusedByDapp.status >= 400, JSON.stringify(refusedByDapp.body));

    // until the CRL is in the channel the peers know nothing of it: endorsed now, sent later
    const early = await endorseUpdate(stolen, assetId, 'endorsed before');
    const mirrored = await lastMirroredBlock();
    const home = consortiaHome();
    const published = await publishCrl(home, stack.topology, stack.org);
    assert.equal(published.published, true);
    assert.deepEqual(await publishCrl(home, stack.topology, stack.org), {
      ...published,
      published: false,
    });

    // endorsed before, submitted after: the ordering service refuses the revoked signer
    await assert.rejects(early.submit(), /status=FORBIDDEN.*'Writers'/);
    await waitUntil(
      'the peers to refuse to endorse for the revoked user',
      async () => {
        try {
          (await endorseUpdate(stolen, assetId, 'after')).close();
          return false;
        } catch (error) {
          // each peer validates the proposal's creator against the channel MSP, CRL included
          const { details } = error as { details?: { message: string }[] };
          return details?.some((detail) => /access denied/.test(detail.message)) ?? false;
        }
      },
      60_000,
    );

    const asBystander = await login(base, bystander, PASSWORD);
    const other = await call(base, 'POST', '/v1/assets?wait=true', {
      token: asBystander.accessToken,
      body: { id: `asset-${bystander}`, type: 'container', attributes: {} },
    });
    assert.equal(other.status, 201, 'another user is unaffected: ' + JSON.stringify(other.body));
    await waitUntil(
      'the mirror to record the config block',
      async () => (await configBlocksAfter(mirrored)) > 0,
      120_000,
    );
  });

  /** The mirror records the transaction with the user's certificate as its creator. */
  async function assertCreator(txId: string): Promise<void> {
    const mirror = new pg.Pool({ connectionString: stack.databases.mirrorUrl, max: 1 });
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
  /** A transaction sent straight to the DAPP, signed as the user's own identity. */
  async function viaDapp(user: string, fn: string, args: unknown[]) {
    const response = await fetch(
      `http://127.0.0.1:${stack.dapp.port ?? 0}/v1/channels/${stack.channel}/chaincodes/${stack.chaincode}/transactions`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': stack.dappKey,
          'x-fabric-identity': `user:${user}`,
        },
        body: JSON.stringify({ function: fn, args }),
      },
    );
    const answer = (await response.json()) as { error?: { chaincode?: { code?: string } } };
    return { status: response.status, body: answer };
  }

  /** Opens the user's sealed key with the DAPP's key-encryption keys. */
  async function sealedIdentity(name: string): Promise<GatewayIdentity> {
    const pool = new pg.Pool({ connectionString: stack.dappDatabaseUrl, max: 1 });
    try {
      const vault = new UserIdentityVault(pool, parseKeks(stack.keks), stack.org.mspId);
      const identity = await vault.load(name);
      assert.ok(identity, `${name} is in the vault`);
      return identity;
    } finally {
      await pool.end();
    }
  }

  /** An update of the asset endorsed by Org1's peer as `identity` (sent later, or not at all). */
  async function endorseUpdate(identity: GatewayIdentity, assetId: string, note: string) {
    const connection = openGateway(
      {
        address: `${HOST}:${stack.org.peers[0]?.port ?? 0}`,
        tlsCaCertificate: fs.readFileSync(orgTlsCaFile(stack.topology, stack.org)),
        tlsServerName: 'localhost',
      },
      identity,
    );
    const contract = connection.gateway.getNetwork(stack.channel).getContract(stack.chaincode);
    const transaction = await contract
      .newProposal('AssetContract:UpdateAsset', {
        arguments: [assetId, JSON.stringify({ note }), 'ACTIVE', ''],
      })
      .endorse()
      .catch((error: unknown) => {
        connection.close();
        throw error;
      });
    return {
      /** Sends it for ordering; resolves when committed valid. */
      submit: async () => {
        try {
          const status = await (await transaction.submit()).getStatus();
          if (!status.successful) throw new Error(`invalidated: ${String(status.code)}`);
        } finally {
          connection.close();
        }
      },
      close: () => connection.close(),
    };
  }

  async function mirrorQuery<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []) {
    const mirror = new pg.Pool({ connectionString: stack.databases.mirrorUrl, max: 1 });
    try {
      return (await mirror.query<T>(sql, values)).rows;
    } finally {
      await mirror.end();
    }
  }

  const lastMirroredBlock = async () =>
    Number((await mirrorQuery<{ n: string }>('SELECT max(number) AS n FROM blocks'))[0]?.n ?? -1);

  const configBlocksAfter = async (block: number) =>
    Number(
      (
        await mirrorQuery<{ n: string }>(
          'SELECT count(*) AS n FROM blocks WHERE is_config AND number > $1',
          [block],
        )
      )[0]?.n ?? 0,
    );
});
