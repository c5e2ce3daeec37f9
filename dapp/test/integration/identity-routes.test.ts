// SPDX-License-Identifier: Apache-2.0
/**
 * The DAPP's per-user identity administration through its HTTP API, at a real Fabric CA with a
 * real Postgres: enroll (and its retry), sign as the user only with the key's permission, refuse
 * to start with a wrong or malformed key-encryption key, re-enroll, revoke, a CA that is down.
 * Fabric itself is StubLedgerSubmitter here; the CA network test (`npm run test:ca`) signs real
 * transactions.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { Database } from '@consortia/common';
import { createLogger, FabricCaClient } from '@consortia/common';
import { waitUntil } from '@consortia/common/testing';
import type { TestCas } from '@consortia/network/testing';
import { startTestCas, testCasUnavailable } from '@consortia/network/testing';

import { readConfig } from '../../src/config';
import { rotateIdentityKeys } from '../../src/fabric/user-identities';
import { hashApiKey } from '../../src/http/auth';
import type { RunningService } from '../../src/service';
import { startService } from '../../src/service';
import { startPostgres, tempDir } from '../support/infra';
import { chaincodeMetadata } from '../support/metadata';
import { StubLedgerSubmitter } from '../support/stub-submitter';

const CA_BASE_PORT = Number(process.env.CONSORTIA_CA_TEST_BASE_PORT ?? 15000) + 600;
const silent = createLogger('dapp-test', 'silent');
const kek = (id: string) => `${id}:${crypto.randomBytes(32).toString('base64')}`;

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

describe('per-user identity administration (DAPP routes, real CA and Postgres)', function () {
  this.timeout(180_000);
  const dir = tempDir('identity-routes');
  const goodKek = kek('k1');
  const suffix = Date.now().toString(36);
  const dana = `dana-${suffix}`;
  let database: Database;
  let cas: TestCas;
  let caEnv: NodeJS.ProcessEnv;
  let service: RunningService | undefined;
  let stub: StubLedgerSubmitter | undefined;
  let base: string;
  const keys: Record<'admin' | 'any' | 'signer', { key: string; entry: string }> = {} as never;

  async function start(extra: NodeJS.ProcessEnv = {}): Promise<void> {
    stub = new StubLedgerSubmitter(database.connectionString, chaincodeMetadata());
    await stub.init();
    service = await startService(
      readConfig({
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        DATABASE_URL: database.connectionString,
        DAPP_API_KEYS: Object.values(keys)
          .map((key) => key.entry)
          .join(','),
        FABRIC_MSP_ID: cas.mspId,
        FABRIC_IDENTITY_KEKS: goodKek,
        ...caEnv,
        ...extra,
      }),
      silent,
      'serve',
      { submitter: stub },
    );
    base = `http://127.0.0.1:${service.port}`;
  }

  async function stop(): Promise<void> {
    await service?.stop();
    stub?.close();
    service = undefined;
    stub = undefined;
  }

  async function call(
    method: string,
    route: string,
    key: string,
    body?: unknown,
    identity?: string,
  ): Promise<Answer> {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: {
        'x-api-key': key,
        'content-type': 'application/json',
        ...(identity ? { 'x-fabric-identity': identity } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
      headers: response.headers,
    };
  }

  const enroll = (user: string, key = keys.admin.key) =>
    call('POST', '/v1/user-identities', key, { user, role: 'member' });
  const transfer = (key: string, identity: string) =>
    call(
      'POST',
      '/v1/channels/consortium/chaincodes/consortia/transactions',
      key,
      { function: 'TokenContract:Transfer', args: ['b'.repeat(64), '1'] },
      identity,
    );

  before(async function () {
    const unavailable = testCasUnavailable();
    if (unavailable) {
      console.log(`      skipped: ${unavailable}`);
      this.skip();
    }
    fs.mkdirSync(dir, { recursive: true });
    [database, cas] = await Promise.all([
      startPostgres(path.join(dir, 'pg')),
      startTestCas(CA_BASE_PORT),
    ]);
    const file = (name: string, text: string) => {
      fs.writeFileSync(path.join(dir, name), text, { mode: 0o600 });
      return path.join(dir, name);
    };
    caEnv = {
      FABRIC_CA_URL: cas.endpoint.url,
      FABRIC_CA_TLS_SERVER_NAME: cas.endpoint.serverName,
      FABRIC_CA_TLS_CA_FILE: file('ca-tls.pem', cas.endpoint.tlsRoots),
      FABRIC_CA_REGISTRAR_CERT_FILE: file('registrar.pem', cas.registrar.certificate),
      FABRIC_CA_REGISTRAR_KEY_FILE: file(
        'registrar.key',
        cas.registrar.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      ),
    };
    keys.admin = await hashApiKey('portal', undefined, ['default', '@users', '@identity-admin']);
    keys.any = await hashApiKey('anyconfigured', undefined, ['*']);
    keys.signer = await hashApiKey('signer', undefined, ['@users']);
    await start();
  });

  after(async function () {
    await stop();
    await cas?.stop();
    await database?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('enrolls only for an identity administrator, with the user and role in the certificate', async function () {
    const refused = await enroll(dana, keys.signer.key);
    assert.equal(refused.status, 403);
    assert.equal((refused.body.error as { code: string }).code, 'IDENTITY_ADMIN_FORBIDDEN');
    const enrolled = await enroll(dana);
    assert.equal(enrolled.status, 201, JSON.stringify(enrolled.body));
    assert.equal(enrolled.body.identity, `user:${dana}`);
    assert.equal(enrolled.body.created, true);
    const raw = new crypto.X509Certificate(String(enrolled.body.certificate)).raw.toString(
      'latin1',
    );
    assert.match(raw, new RegExp(`"consortia\\.user":"${dana}"`));
    assert.match(raw, /"consortia\.role":"member"/);
    // a retried creation gets the same identity back
    const again = await enroll(dana);
    assert.equal(again.status, 200);
    assert.equal(again.body.created, false);
    assert.equal(again.body.serialNumber, enrolled.body.serialNumber);
    const read = await call('GET', `/v1/user-identities/${dana}`, keys.admin.key);
    assert.equal(read.status, 200);
    assert.equal(read.body.serialNumber, enrolled.body.serialNumber);
    assert.equal(read.body.revoked, false);
    const unknown = await call('GET', `/v1/user-identities/nobody-${suffix}`, keys.admin.key);
    assert.equal(unknown.status, 404);
  });

  it("signs as the user only for a key allowed users' identities, refusing others naming nothing else", async function () {
    const signed = await transfer(keys.admin.key, `user:${dana}`);
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    assert.equal(stub!.calls.at(-1)?.identity, `user:${dana}`);
    for (const [key, identity] of [
      [keys.any.key, `user:${dana}`],
      [keys.admin.key, `user:nobody-${suffix}`],
    ] as const) {
      const refused = await transfer(key, identity);
      assert.equal(refused.status, 403);
      const error = refused.body.error as { code: string; message: string };
      assert.equal(error.code, 'IDENTITY_FORBIDDEN');
      assert.equal(error.message, `this caller may not use the Fabric identity '${identity}'`);
    }
  });

  it('refuses to start with a key-encryption key that does not open the stored keys, or a malformed one', async function () {
    await stop();
    await assert.rejects(
      start({ FABRIC_IDENTITY_KEKS: kek('k1') }),
      /'k1' does not open the stored identity keys/,
    );
    await assert.rejects(start({ FABRIC_IDENTITY_KEKS: 'k1:short' }), (error: Error) => {
      assert.match(error.message, /must be 32 bytes/);
      assert.doesNotMatch(error.message, /short/);
      return true;
    });
    await start();
    const signed = await transfer(keys.signer.key, `user:${dana}`);
    assert.equal(signed.status, 200, 'the stored identity signs after a restart');
  });

  it('re-enrolls to a new certificate, and a revoked user can no longer sign, on every replica', async function () {
    const first = { service, stub, base };
    await start({ FABRIC_IDENTITY_REFRESH_MS: '100' });
    const replica = { service, stub, base };
    ({ service, stub, base } = first);
    const onReplica = async (identity: string) => {
      ({ service, stub, base } = replica);
      try {
        return (await transfer(keys.signer.key, identity)).status;
      } finally {
        ({ service, stub, base } = first);
      }
    };
    const before = await enroll(dana);
    const erin = `erin-r-${suffix}`;
    assert.equal((await enroll(erin)).status, 201);
    await waitUntil('the replica to pick up the new user', async () => {
      return (await onReplica(`user:${erin}`)) === 200;
    });
    const reenrolled = await call('POST', `/v1/user-identities/${dana}/reenroll`, keys.admin.key);
    assert.equal(reenrolled.status, 200, JSON.stringify(reenrolled.body));
    assert.notEqual(reenrolled.body.serialNumber, before.body.serialNumber);
    const revoked = await call('POST', `/v1/user-identities/${dana}/revoke`, keys.admin.key, {
      reason: 'keycompromise',
    });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assert.equal(revoked.body.revoked, true);
    assert.match(String(revoked.body.crl), /BEGIN X509 CRL/);
    assert.equal((await transfer(keys.admin.key, `user:${dana}`)).status, 403);
    await waitUntil('the replica to drop the revoked user', async () => {
      return (await onReplica(`user:${dana}`)) === 403;
    });
    await replica.service?.stop();
    replica.stub?.close();
    const again = await enroll(dana);
    assert.equal(again.status, 409);
    assert.equal((again.body.error as { code: string }).code, 'IDENTITY_REVOKED');
  });

  it('takes over a registration left by an interrupted enrollment, never an identity of another', async function () {
    const ca = new FabricCaClient(cas.endpoint);
    const erin = `erin-${suffix}`;
    await ca.register(cas.registrar, {
      id: erin,
      type: 'client',
      maxEnrollments: 1,
      attributes: { 'consortia.user': erin, 'consortia.role': 'member' },
    });
    const taken = await enroll(erin);
    assert.equal(taken.status, 201, JSON.stringify(taken.body));
    const node = `node-${suffix}`;
    await ca.register(cas.registrar, { id: node, type: 'client' });
    const refused = await enroll(node);
    assert.equal(refused.status, 409);
    assert.equal((refused.body.error as { code: string }).code, 'IDENTITY_EXISTS');
  });

  it('answers 503 with nothing created when the CA is down', async function () {
    await cas.stop();
    const frank = `frank-${suffix}`;
    const down = await enroll(frank);
    assert.equal(down.status, 503);
    assert.equal((down.body.error as { code: string }).code, 'CA_UNAVAILABLE');
    assert.equal(down.headers.get('retry-after'), '5');
    cas = await startTestCas(CA_BASE_PORT, cas.stateDir);
    assert.equal(await new FabricCaClient(cas.endpoint).identity(cas.registrar, frank), undefined);
    assert.equal((await enroll(frank)).status, 201);
  });

  it('rotates every key to a new key-encryption key, after which only the new one is needed', async function () {
    await stop();
    const newKek = kek('k2');
    const both = readConfig({ FABRIC_IDENTITY_KEKS: `${newKek},${goodKek}` });
    const connection = { connectionString: database.connectionString };
    assert.ok((await rotateIdentityKeys(both, connection)) >= 3);
    assert.equal(await rotateIdentityKeys(both, connection), 0, 'nothing left to reseal');
    await start({ FABRIC_IDENTITY_KEKS: newKek });
    assert.equal((await transfer(keys.signer.key, `user:frank-${suffix}`)).status, 200);
  });
});
