// SPDX-License-Identifier: Apache-2.0
// Two workers on one request store never process the same request at once: a claim taken by one
// makes the other wait until it is released, or until the holder's database session ends (a
// crashed worker). Real embedded Postgres.
import assert from 'node:assert/strict';

import type { Database } from '@consortia/common';
import { createLogger } from '@consortia/common';
import pg from 'pg';

import { RequestClaims } from '../../src/store/request-claims';
import { startPostgres, tempDir } from '../support/infra';

const logger = createLogger('claims-test', 'silent');
const settledWithin = async <T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> =>
  Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(resolve, ms, 'pending'))]);

describe('RequestClaims (real Postgres)', function () {
  this.timeout(120_000);
  let database: Database | undefined;
  const opened: RequestClaims[] = [];
  const claimsFor = () => {
    const claims = new RequestClaims({ connectionString: database!.connectionString }, logger, {
      pollMs: 20,
    });
    opened.push(claims);
    return claims;
  };

  before(async function () {
    database = await startPostgres(tempDir('claims'));
  });

  afterEach(async function () {
    await Promise.all(opened.splice(0).map((claims) => claims.close()));
  });

  after(async function () {
    await database?.stop();
  });

  it('makes a second worker wait until the first releases the request', async function () {
    const first = claimsFor();
    const second = claimsFor();
    const held = await first.claim('tester:r-1', () => false);
    assert.ok(held);
    const waiting = second.claim('tester:r-1', () => false);
    assert.equal(await settledWithin(waiting, 200), 'pending', 'the second worker waits');
    const other = await settledWithin(
      second.claim('tester:r-2', () => false),
      1_000,
    );
    assert.notEqual(other, 'pending', 'another request is not held up');
    await held.release();
    const taken = await settledWithin(waiting, 1_000);
    assert.notEqual(taken, 'pending', 'the released request is claimed');
  });

  it('frees the claims of a worker whose database session ended', async function () {
    const crashed = claimsFor();
    const survivor = claimsFor();
    assert.ok(await crashed.claim('tester:r-3', () => false));
    const waiting = survivor.claim('tester:r-3', () => false);
    assert.equal(await settledWithin(waiting, 200), 'pending');
    // A crash, seen from Postgres: the session is terminated, not closed by its worker.
    const admin = new pg.Client({ connectionString: database!.connectionString });
    await admin.connect();
    try {
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks
          WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()`,
      );
    } finally {
      await admin.end();
    }
    assert.notEqual(await settledWithin(waiting, 2_000), 'pending', 'the survivor claims it');
    // The worker that lost its session claims again through a new one.
    const again = await settledWithin(
      crashed.claim('tester:r-4', () => false),
      2_000,
    );
    assert.notEqual(again, 'pending');
  });

  it('stops waiting, claiming nothing, once its worker is stopping', async function () {
    const holder = claimsFor();
    const stopping = claimsFor();
    assert.ok(await holder.claim('tester:r-5', () => false));
    let stopped = false;
    const waiting = stopping.claim('tester:r-5', () => stopped);
    assert.equal(await settledWithin(waiting, 100), 'pending');
    stopped = true;
    assert.equal(await settledWithin(waiting, 1_000), undefined);
  });
});
