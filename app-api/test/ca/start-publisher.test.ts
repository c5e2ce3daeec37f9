// SPDX-License-Identifier: Apache-2.0
/**
 * Revocation through the app-api reaches the peers with nothing run by hand: `consortia start`
 * on a network of CAs runs the org admin's CRL publisher, so once a user is revoked through the
 * app-api, within the publisher's period every peer refuses a proposal signed with the user's
 * (still sealed) key. `consortia start` is run as a process, as `npm start` runs it, in
 * CONSORTIA_CA_START_STATE_DIR (default $TMPDIR/consortia-ca-start) at
 * CONSORTIA_CA_START_BASE_PORT (default 26000); Ctrl-C (SIGINT) stops it, ledgers kept. Part of
 * `npm run test:ca -w @consortia/app-api`.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { embeddedPassword } from '@consortia/common';
import { openGateway } from '@consortia/common/fabric';
import { parseKeks, UserIdentityVault } from '@consortia/dapp';
import { firstOrg, HOST, loadNetwork, orgTlsCaFile, servicePorts } from '@consortia/network';
import { testCasUnavailable } from '@consortia/network/testing';
import pg from 'pg';

import { call, login } from '../support/http';
import { waitUntil } from '../support/stack';

const STATE_DIR =
  process.env.CONSORTIA_CA_START_STATE_DIR ?? path.join(os.tmpdir(), 'consortia-ca-start');
const BASE_PORT = process.env.CONSORTIA_CA_START_BASE_PORT ?? '26000';
const CLI = path.resolve(__dirname, '../../../network/bin/consortia.js');
const PASSWORD = 'publisher test pass 2026';

describe('consortia start publishes the CRL: a user revoked through the app-api is refused by the peers', function () {
  this.timeout(1_200_000);
  let start: ChildProcess | undefined;
  let output = '';

  before(async function () {
    const unavailable = testCasUnavailable();
    if (unavailable) {
      console.log(`      skipped: ${unavailable}`);
      this.skip();
    }
    start = spawn(
      process.execPath,
      [
        CLI,
        'start',
        '--crypto',
        'ca',
        '--peers-per-org',
        '1',
        '--base-port',
        BASE_PORT,
        '--state-dir',
        STATE_DIR,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const running = new Promise<void>((resolve, reject) => {
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('the consortium is running')) resolve();
      };
      start?.stdout?.on('data', collect);
      start?.stderr?.on('data', collect);
      start?.once('exit', (code) =>
        reject(new Error(`consortia start exited with ${String(code)}:\n${output.slice(-3000)}`)),
      );
    });
    await running;
  });

  after(async function () {
    if (!start || start.exitCode !== null) return;
    const exited = new Promise((resolve) => start?.once('exit', resolve));
    start.kill('SIGINT');
    await exited;
  });

  it('refuses the revoked user on the peers within the period, with no publish-crl run by hand', async function () {
    const { topology } = loadNetwork(STATE_DIR);
    const org = firstOrg(topology);
    const ports = servicePorts(topology);
    const base = `http://${HOST}:${ports['app-api'].http}`;
    const services = path.join(STATE_DIR, 'services');

    const admin = `root-${Date.now().toString(36)}`;
    const made = spawn(
      process.execPath,
      [CLI, 'service', 'app-api', 'create-admin', '--username', admin, '--password-stdin'],
      {
        env: { ...process.env, CONSORTIA_STATE_DIR: STATE_DIR },
      },
    );
    made.stdin.end(PASSWORD);
    assert.equal(await new Promise((resolve) => made.once('exit', resolve)), 0);
    const { accessToken } = await login(base, admin, PASSWORD);

    const username = `pat-${Date.now().toString(36)}`;
    const created = await call(base, 'POST', '/v1/users', {
      token: accessToken,
      body: { username, password: PASSWORD, roles: ['member'] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const user = await login(base, username, PASSWORD);
    const assetId = `asset-${username}`;
    const asset = await call(base, 'POST', '/v1/assets?wait=true', {
      token: user.accessToken,
      body: { id: assetId, type: 'container', attributes: {} },
    });
    assert.equal(asset.status, 201, JSON.stringify(asset.body));

    // an operator acts on the user's asset as the organization, which the chaincode accepts
    const operator = `${username}-op`;
    const madeOperator = await call(base, 'POST', '/v1/users', {
      token: accessToken,
      body: { username: operator, password: PASSWORD, roles: ['operator'] },
    });
    assert.equal(madeOperator.status, 201, JSON.stringify(madeOperator.body));
    const operated = await call(base, 'PUT', `/v1/assets/${assetId}?wait=true`, {
      token: (await login(base, operator, PASSWORD)).accessToken,
      body: { attributes: { checked: 'by the operator' }, status: 'ACTIVE' },
    });
    assert.equal(operated.status, 200, JSON.stringify(operated.body));

    // the user's key as the DAPP keeps it sealed: what someone holding it could still sign with
    const dataDir = path.join(services, 'dapp', 'postgres', 'postgres');
    const pool = new pg.Pool({
      connectionString: `postgres://postgres:${encodeURIComponent(embeddedPassword(dataDir))}@${HOST}:${ports.dapp.postgres ?? 0}/dapp`,
      max: 1,
    });
    const keks = parseKeks(fs.readFileSync(path.join(services, 'dapp-identity-keks'), 'utf8'));
    const identity = await new UserIdentityVault(pool, keks, org.mspId)
      .load(`user:${username}`)
      .finally(() => pool.end());
    assert.ok(identity, 'the user has a sealed identity');
    const endorse = async () => {
      const connection = openGateway(
        {
          address: `${HOST}:${org.peers[0]?.port ?? 0}`,
          tlsCaCertificate: fs.readFileSync(orgTlsCaFile(topology, org)),
          tlsServerName: 'localhost',
        },
        identity,
      );
      try {
        await connection.gateway
          .getNetwork(topology.options.channel)
          .getContract('consortia')
          .newProposal('AssetContract:UpdateAsset', {
            arguments: [assetId, JSON.stringify({ note: 'signed with the key' }), 'ACTIVE', ''],
          })
          .endorse();
      } finally {
        connection.close();
      }
    };
    await endorse();

    const revoked = await call(base, 'POST', `/v1/users/${username}/fabric-identity/revoke`, {
      token: accessToken,
      body: { reason: 'keycompromise' },
    });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    const revokedAt = Date.now();
    await waitUntil(
      'the peers to refuse the revoked user',
      async () => {
        try {
          await endorse();
          return false;
        } catch (error) {
          const { details } = error as { details?: { message: string }[] };
          return details?.some((detail) => /access denied/.test(detail.message)) ?? false;
        }
      },
      120_000,
    );
    console.log(
      `      refused ${Math.round((Date.now() - revokedAt) / 1000)} s after the revocation`,
    );
    assert.match(output, new RegExp(`${org.mspId}: the channel MSP now has the CA's CRL`));
  });
});
