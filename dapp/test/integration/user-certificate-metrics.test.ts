// SPDX-License-Identifier: Apache-2.0
/**
 * The soonest expiry of the users' Fabric certificates on the DAPP's /metrics, from identities
 * stored in a real Postgres: the DAPP loads them at start, reports the soonest-expiring user of
 * its MSP (revoked users left out), and follows a revocation made in the store by another process.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { Database } from '@consortia/common';
import { createLogger } from '@consortia/common';
import { eventually, openssl } from '@consortia/common/testing';
import pg from 'pg';

import { readConfig } from '../../src/config';
import { parseKeks, sealKey } from '../../src/fabric/identities';
import { userIdentityName } from '../../src/fabric/identity';
import type { RunningService } from '../../src/service';
import { startService } from '../../src/service';
import { migrate } from '../../src/store/migrate';
import { USER_CERTIFICATE_EXPIRY } from '../../src/user-certificate-metrics';
import { startPostgres, tempDir } from '../support/infra';
import { chaincodeMetadata } from '../support/metadata';
import { StubLedgerSubmitter } from '../support/stub-submitter';

const MSP = 'Org1MSP';

describe("users' certificate expiry on the DAPP's /metrics (real Postgres)", function () {
  this.timeout(120_000);
  const dir = tempDir('user-certificate-metrics');
  const kekText = `k1:${crypto.randomBytes(32).toString('base64')}`;
  const [kek] = parseKeks(kekText);
  let database: Database;
  let pool: pg.Pool;
  let stub: StubLedgerSubmitter;
  let service: RunningService;
  const expiries = new Map<string, number>();

  /** Stores a user's identity as the vault does: a certificate valid `days`, its key sealed. */
  async function storeUser(user: string, days: number, revoked = false): Promise<void> {
    const cert = path.join(dir, `${user}.pem`);
    const key = path.join(dir, `${user}-key.pem`);
    openssl(
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'].concat([
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        String(days),
        '-subj',
        `/CN=${user}`,
      ]),
    );
    const certificate = fs.readFileSync(cert, 'utf8');
    const name = userIdentityName(user);
    const sealed = sealKey(kek!, name, crypto.createPrivateKey(fs.readFileSync(key)));
    await pool.query(
      `INSERT INTO dapp_user_identities (name, msp_id, enrollment_id, certificate, sealed_key, kek_id, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [name, MSP, user, certificate, sealed, kek!.id, revoked ? new Date() : null],
    );
    const validTo = new crypto.X509Certificate(certificate).validTo;
    expiries.set(user, Math.floor(new Date(validTo).getTime() / 1000));
  }

  async function reported(): Promise<string[]> {
    const text = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
    return text.split('\n').filter((line) => line.startsWith(`${USER_CERTIFICATE_EXPIRY}{`));
  }

  before(async function () {
    fs.mkdirSync(dir, { recursive: true });
    database = await startPostgres(path.join(dir, 'pg'));
    await migrate({ connectionString: database.connectionString });
    pool = new pg.Pool({ connectionString: database.connectionString, max: 2 });
    await storeUser('alice', 40);
    await storeUser('bob', 12);
    await storeUser('carol', 2, true);
    stub = new StubLedgerSubmitter(database.connectionString, chaincodeMetadata());
    await stub.init();
    service = await startService(
      readConfig({
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        DATABASE_URL: database.connectionString,
        FABRIC_MSP_ID: MSP,
        FABRIC_IDENTITY_KEKS: kekText,
        FABRIC_IDENTITY_REFRESH_MS: '200',
      }),
      createLogger('dapp-test', 'silent'),
      'serve',
      { submitter: stub },
    );
  });

  after(async function () {
    await service?.stop();
    stub?.close();
    await pool?.end();
    await database?.stop();
  });

  it('reports the soonest-expiring stored user of its MSP, leaving revoked users out', async function () {
    assert.deepEqual(await reported(), [
      `${USER_CERTIFICATE_EXPIRY}{org="${MSP}",subject="bob"} ${expiries.get('bob')}`,
    ]);
  });

  it('follows a revocation another DAPP process wrote to the store', async function () {
    await pool.query('UPDATE dapp_user_identities SET revoked_at = now() WHERE name = $1', [
      userIdentityName('bob'),
    ]);
    const lines = await eventually(
      'the next user reported',
      async () => {
        const now = await reported();
        return now[0]?.includes('subject="alice"') ? now : undefined;
      },
      10_000,
      200,
    );
    assert.deepEqual(lines, [
      `${USER_CERTIFICATE_EXPIRY}{org="${MSP}",subject="alice"} ${expiries.get('alice')}`,
    ]);
  });
});
