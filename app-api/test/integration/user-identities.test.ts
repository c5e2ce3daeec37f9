// SPDX-License-Identifier: Apache-2.0
/**
 * Registering app-api users' Fabric identities at a real Fabric CA: attributes for chaincode,
 * one enrollment for the DAPP, and the API's answers for an unknown role, a duplicate and a CA
 * that is down (503, nothing created).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { ApiError, FabricCaClient } from '@consortia/common';
import type { TestCas } from '@consortia/network/testing';
import { startTestCas, testCasUnavailable } from '@consortia/network/testing';

import { identityName, UserIdentityRegistrar } from '../../src/identity/registrar';

const CA_BASE_PORT = Number(process.env.CONSORTIA_CA_TEST_BASE_PORT ?? 15000) + 500;

function apiError(status: number, code: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.status, status);
    assert.equal(error.code, code);
    return true;
  };
}

describe('app-api user identities at a real Fabric CA', function () {
  this.timeout(180_000);
  let cas: TestCas;
  let registrar: UserIdentityRegistrar;
  const username = `carol-${Date.now().toString(36)}`;

  before(async function () {
    const unavailable = testCasUnavailable();
    if (unavailable) {
      console.log(`      skipped: ${unavailable}`);
      this.skip();
    }
    cas = await startTestCas(CA_BASE_PORT);
    registrar = new UserIdentityRegistrar(new FabricCaClient(cas.endpoint), cas.registrar);
  });

  after(async function () {
    await cas?.stop();
  });

  it('registers a user with their name and role as certificate attributes, for one enrollment', async function () {
    const registered = await registrar.register(username, 'member');
    assert.equal(registered.identity, identityName(username));
    const ca = new FabricCaClient(cas.endpoint);
    const enrolled = await ca.enroll(registered.enrollmentId, registered.secret);
    const raw = new crypto.X509Certificate(enrolled.certificate).raw.toString('latin1');
    assert.match(raw, new RegExp(`"consortia\\.user":"${username}"`));
    assert.match(raw, /"consortia\.role":"member"/);
    // the secret served its one enrollment: it cannot mint a second key pair
    await assert.rejects(ca.enroll(registered.enrollmentId, registered.secret));
  });

  it('answers 409 for a duplicate and 400 for an unknown role', async function () {
    await assert.rejects(registrar.register(username, 'member'), apiError(409, 'IDENTITY_EXISTS'));
    await assert.rejects(
      registrar.register(`${username}-x`, 'king'),
      apiError(400, 'UNKNOWN_ROLE'),
    );
    assert.equal(await registrar.exists(`${username}-x`), false);
  });

  it('answers 503 when the CA is down, having created nothing', async function () {
    await cas.stop();
    await assert.rejects(
      registrar.register(`${username}-down`, 'member'),
      apiError(503, 'CA_UNAVAILABLE'),
    );
    cas = await startTestCas(CA_BASE_PORT, cas.stateDir);
    assert.equal(await registrar.exists(`${username}-down`), false);
  });
});
