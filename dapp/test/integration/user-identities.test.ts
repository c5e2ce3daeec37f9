// SPDX-License-Identifier: Apache-2.0
/**
 * Per-user Fabric identities in the DAPP: enrolled at a real Fabric CA with a key made in the
 * DAPP, kept sealed in a real Postgres, opened only with the right key-encryption key, rotated
 * to a new one, re-enrolled and marked revoked.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import type { Database } from '@consortia/common';
import { FabricCaClient } from '@consortia/common';
import type { TestCas } from '@consortia/network/testing';
import { startTestCas, testCasUnavailable } from '@consortia/network/testing';
import pg from 'pg';

import type { SigningIdentity } from '../../src/fabric/identity';
import { IdentityKeyError, parseKeks, UserIdentityVault } from '../../src/fabric/identities';
import { migrate } from '../../src/store/migrate';
import { startPostgres, tempDir } from '../support/infra';

const CA_BASE_PORT = Number(process.env.CONSORTIA_CA_TEST_BASE_PORT ?? 15000) + 400;
const kek = (id: string) => `${id}:${crypto.randomBytes(32).toString('base64')}`;

describe('per-user Fabric identities (DAPP vault, real CA and Postgres)', function () {
  this.timeout(180_000);
  let database: Database;
  let pool: pg.Pool;
  let cas: TestCas;
  let ca: FabricCaClient;
  const oldKek = kek('k1');
  const newKek = kek('k2');

  before(async function () {
    const unavailable = testCasUnavailable();
    if (unavailable) {
      console.log(`      skipped: ${unavailable}`);
      this.skip();
    }
    database = await startPostgres(tempDir('identities'));
    await migrate({ connectionString: database.connectionString });
    pool = new pg.Pool({ connectionString: database.connectionString, max: 2 });
    cas = await startTestCas(CA_BASE_PORT);
    ca = new FabricCaClient(cas.endpoint);
  });

  after(async function () {
    await pool?.end();
    await cas?.stop();
    await database?.stop();
  });

  async function registered(id: string): Promise<string> {
    return ca.register(cas.registrar, {
      id,
      type: 'client',
      attributes: { 'consortia.user': id, 'consortia.role': 'member' },
    });
  }

  const id = `bob-${Date.now().toString(36)}`;

  it('enrolls a user with a key made here and keeps the key only sealed', async function () {
    const vault = new UserIdentityVault(pool, parseKeks(oldKek), cas.mspId);
    const identity = await vault.enroll(ca, `user:${id}`, id, await registered(id));
    const cert = new crypto.X509Certificate(identity.certificate);
    assert.match(cert.subject, /CN=bob-/);
    assert.ok(crypto.createPublicKey(identity.privateKey).equals(cert.publicKey));
    const { rows } = await pool.query<{ sealed_key: Buffer }>(
      'SELECT sealed_key FROM dapp_user_identities WHERE name = $1',
      [`user:${id}`],
    );
    const der = identity.privateKey.export({ type: 'pkcs8', format: 'der' });
    assert.equal(rows[0]!.sealed_key.includes(der.subarray(-32)), false, 'no plaintext key bytes');
    const loaded = new Map<string, SigningIdentity>();
    assert.ok((await vault.loadAll(loaded)) >= 1);
    assert.ok(loaded.get(`user:${id}`)?.certificate.equals(identity.certificate));
  });

  it('refuses to start with a key-encryption key that does not open the stored keys', async function () {
    const wrong = new UserIdentityVault(pool, parseKeks(kek('k1')), cas.mspId);
    await assert.rejects(wrong.checkKeys(), (error: unknown) => {
      assert.ok(error instanceof IdentityKeyError);
      assert.match(error.message, /'k1' does not open the stored identity keys/);
      return true;
    });
    const missing = new UserIdentityVault(pool, parseKeks(kek('k9')), cas.mspId);
    await assert.rejects(missing.checkKeys(), /'k1', which FABRIC_IDENTITY_KEKS does not hold/);
  });

  it('rotates every key to a new key-encryption key, after which the old one can go', async function () {
    const both = new UserIdentityVault(pool, parseKeks(`${newKek},${oldKek}`), cas.mspId);
    assert.ok((await both.rotate()) >= 1);
    const onlyNew = new UserIdentityVault(pool, parseKeks(newKek), cas.mspId);
    await onlyNew.checkKeys();
    assert.ok(await onlyNew.load(`user:${id}`));
  });

  it('re-enrolls to a new certificate and key, and stops signing as a revoked user', async function () {
    const vault = new UserIdentityVault(pool, parseKeks(newKek), cas.mspId);
    const before = await vault.load(`user:${id}`);
    const after = await vault.reenroll(ca, `user:${id}`);
    assert.notEqual(
      new crypto.X509Certificate(after.certificate).serialNumber,
      new crypto.X509Certificate(before!.certificate).serialNumber,
    );
    assert.ok((await vault.load(`user:${id}`))?.certificate.equals(after.certificate));
    const signing = new Map<string, SigningIdentity>([[`user:${id}`, after]]);
    await vault.markRevoked(`user:${id}`, signing);
    assert.equal(signing.has(`user:${id}`), false);
    assert.equal(await vault.load(`user:${id}`), undefined);
  });

  it('rejects malformed key-encryption keys, naming the rule', function () {
    assert.throws(() => parseKeks('k1:c2hvcnQ='), /must be 32 bytes/);
    assert.throws(() => parseKeks('nocolon'), /id:key/);
    assert.throws(() => parseKeks(`${kek('a')},${kek('a')}`), /twice/);
    assert.throws(
      () => new UserIdentityVault(pool, [], 'Org1MSP'),
      /FABRIC_IDENTITY_KEKS is empty/,
    );
  });
});
