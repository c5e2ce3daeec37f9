// SPDX-License-Identifier: Apache-2.0
// A write's recorded status follows the DAPP, which follows the ledger: an outcome the DAPP
// reports unknown, or an answer lost on the way back, is kept `unknown` (never `failed`) and
// settled from the DAPP's GET /v1/requests/{id}. Real Postgres and a real datasync mirror; the
// DAPP is a small scripted HTTP server (this suite needs no Fabric network).
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { ReplayBlockSource } from '@consortia/datasync/testing';
import pg from 'pg';

import { sampleLedger } from '../support/ledger';
import type { LoggedIn, MirroredApi, TestApi, TestDatabases } from '../support/stack';
import { call, login, startMirroredApi, TEST_ADMIN, waitUntil } from '../support/stack';

const PASSWORD = 'portal user pass 2026';
const TX = 'a'.repeat(64);

/** What the scripted DAPP does with the next transaction, and what it knows of each request. */
class ScriptedDapp {
  /** drop: takes it, then the answer is lost; lost: never gets it; slow: answers after the timeout. */
  answer: 'unknown' | 'drop' | 'lost' | 'slow' = 'unknown';
  readonly received: string[] = [];
  readonly records = new Map<string, Record<string, unknown>>();
  readonly server = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => this.handle(request, response, text));
  });

  private handle(request: http.IncomingMessage, response: http.ServerResponse, text: string) {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const url = request.url ?? '';
    if (request.method === 'POST' && url.endsWith('/transactions')) {
      const { requestId } = JSON.parse(text) as { requestId: string };
      // The request breaks before the DAPP reads it: the DAPP has no record of it.
      if (this.answer === 'lost') return request.socket.destroy();
      this.received.push(requestId);
      if (this.answer === 'slow') {
        this.records.set(requestId, { requestId, status: 'submitted', attempts: 1 });
        setTimeout(() => request.socket.destroy(), 5_000).unref();
        return;
      }
      this.records.set(requestId, { requestId, status: 'unknown', attempts: 1 });
      // The connection breaks after the DAPP took the request: the app-api gets no answer.
      if (this.answer === 'drop') return request.socket.destroy();
      const statusUrl = `/v1/requests/${requestId}`;
      return send(202, { requestId, status: 'unknown', txId: TX, statusUrl });
    }
    const found = /^\/v1\/requests\/(.+)$/.exec(url);
    if (request.method === 'GET' && found) {
      const record = this.records.get(decodeURIComponent(found[1] ?? ''));
      return record ? send(200, record) : send(404, { error: { code: 'REQUEST_NOT_FOUND' } });
    }
    return send(200, {});
  }

  fail(requestId: string): void {
    this.records.set(requestId, {
      requestId,
      status: 'failed',
      txId: TX,
      reason: { code: 'MVCC_READ_CONFLICT', message: 'read conflict' },
      attempts: 1,
    });
  }

  commit(requestId: string): void {
    this.records.set(requestId, {
      requestId,
      status: 'committed',
      txId: TX,
      blockNumber: '2',
      validationCode: 'VALID',
      attempts: 1,
    });
  }
}

describe('app-api write status follows the DAPP (real Postgres, scripted DAPP)', function () {
  this.timeout(180_000);
  let databases: TestDatabases;
  let stack: MirroredApi;
  let api: TestApi;
  let member: LoggedIn;
  let appDb: pg.Pool;
  const dapp = new ScriptedDapp();

  before(async function () {
    await new Promise<void>((resolve) => dapp.server.listen(0, '127.0.0.1', resolve));
    const { port } = dapp.server.address() as AddressInfo;
    stack = await startMirroredApi('write-status', new ReplayBlockSource(sampleLedger().blocks), {
      overrides: {
        DAPP_URL: `http://127.0.0.1:${port}`,
        APP_API_SETTLE_INTERVAL_MS: '200',
        DAPP_TIMEOUT_MS: '2000',
      },
    });
    ({ databases, api } = stack);
    const admin = await login(api.base, TEST_ADMIN.username, TEST_ADMIN.password);
    const created = await call(api.base, 'POST', '/v1/users', {
      token: admin.accessToken,
      body: { username: 'writer', password: PASSWORD, roles: ['member'], fabricIdentity: 'w' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    member = await login(api.base, 'writer', PASSWORD);
    appDb = new pg.Pool({ connectionString: databases.appUrl, max: 2 });
  });

  after(async function () {
    await appDb?.end();
    await stack?.stop();
    await new Promise((resolve) => dapp.server.close(resolve));
  });

  const recorded = async (requestId: string) =>
    (
      await appDb.query<{ status: string; tx_id: string | null }>(
        'SELECT status, tx_id FROM write_requests WHERE request_id = $1',
        [requestId],
      )
    ).rows[0];

  /** With private details the app-api keeps no call to send again (it stores no private data). */
  const create = (requestId: string, id: string, color = 'green', privately = false) =>
    call<Record<string, unknown>>(api.base, 'POST', '/v1/assets', {
      token: member.accessToken,
      headers: { 'idempotency-key': requestId },
      body: {
        id,
        type: 'container',
        attributes: { color },
        ...(privately ? { privateDetails: { appraisedValue: 10 } } : {}),
      },
    });

  const statusOf = async (requestId: string) =>
    (
      await call<Record<string, unknown>>(api.base, 'GET', `/v1/requests/${requestId}`, {
        token: member.accessToken,
      })
    ).body;

  it('answers 202 unknown when the DAPP does, keeps it unknown, then records the commit', async function () {
    dapp.answer = 'unknown';
    const answer = await create('status-unknown-1', 'UNKNOWN-1');
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'unknown');
    assert.equal(answer.body.txId, TX);
    assert.equal((await recorded('status-unknown-1'))?.status, 'unknown');
    assert.equal((await statusOf('status-unknown-1')).status, 'unknown');
    dapp.commit('status-unknown-1');
    const settled = await statusOf('status-unknown-1');
    assert.equal(settled.status, 'committed');
    assert.equal(settled.txId, TX);
    assert.deepEqual(await recorded('status-unknown-1'), { status: 'committed', tx_id: TX });
  });

  it('records a write whose answer was lost as unknown, never failed, and settles it from the DAPP', async function () {
    dapp.answer = 'drop';
    const answer = await create('status-lost-1', 'LOST-1');
    assert.equal(answer.status, 503, JSON.stringify(answer.body));
    assert.equal((await recorded('status-lost-1'))?.status, 'unknown');
    dapp.commit('status-lost-1');
    assert.equal((await statusOf('status-lost-1')).status, 'committed');
    assert.equal((await recorded('status-lost-1'))?.status, 'committed');
  });

  it('settles an unknown write from the DAPP even when nobody reads its status', async function () {
    dapp.answer = 'unknown';
    const answer = await create('status-unread-1', 'UNREAD-1');
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal((await recorded('status-unread-1'))?.status, 'unknown');
    dapp.commit('status-unread-1');
    await waitUntil(
      'the write settled',
      async () => (await recorded('status-unread-1'))?.status === 'committed',
    );
    assert.deepEqual(await recorded('status-unread-1'), { status: 'committed', tx_id: TX });
  });

  it('sends again a write the DAPP never received, from the call it kept, and it commits once', async function () {
    dapp.answer = 'lost';
    const answer = await create('status-again-1', 'AGAIN-1');
    assert.equal(answer.status, 503, JSON.stringify(answer.body));
    assert.equal((await recorded('status-again-1'))?.status, 'unknown');
    dapp.answer = 'unknown';
    // DAPP_TIMEOUT_MS is 2 s here: sent again only once no first call can still be in flight.
    await waitUntil(
      'the write is sent again',
      async () => dapp.received.includes('status-again-1'),
      15_000,
    );
    assert.notEqual((await recorded('status-again-1'))?.status, 'failed');
    dapp.commit('status-again-1');
    await waitUntil(
      'the write settled',
      async () => (await recorded('status-again-1'))?.status === 'committed',
      15_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.deepEqual(
      dapp.received.filter((id) => id === 'status-again-1'),
      ['status-again-1'],
      'sent again once: a write the DAPP knows is only followed',
    );
    assert.equal((await statusOf('status-again-1')).status, 'committed');
  });

  it('records failed NOT_SUBMITTED a write with private details the DAPP never received, once no call can still be in flight', async function () {
    dapp.answer = 'lost';
    const answer = await create('status-never-1', 'NEVER-1', 'green', true);
    assert.equal(answer.status, 503, JSON.stringify(answer.body));
    assert.equal((await recorded('status-never-1'))?.status, 'unknown');
    // DAPP_TIMEOUT_MS is 2 s here: failed only after the grace period, never before.
    await waitUntil(
      'the write never received is recorded failed',
      async () => (await recorded('status-never-1'))?.status === 'failed',
      15_000,
    );
    const status = await statusOf('status-never-1');
    assert.equal(status.status, 'failed');
    assert.equal((status.reason as { code?: string } | undefined)?.code, 'NOT_SUBMITTED');
  });

  it('resends a retry with the same key of a write the DAPP never received; another body stays 409', async function () {
    dapp.answer = 'lost';
    const first = await create('status-resend-1', 'RESEND-1', 'green', true);
    assert.equal(first.status, 503, JSON.stringify(first.body));
    await waitUntil(
      'the first attempt is recorded failed',
      async () => (await recorded('status-resend-1'))?.status === 'failed',
      15_000,
    );
    dapp.answer = 'unknown';
    const other = await create('status-resend-1', 'RESEND-1', 'red', true);
    assert.equal(other.status, 409, JSON.stringify(other.body));
    assert.equal(dapp.received.includes('status-resend-1'), false);
    const retry = await create('status-resend-1', 'RESEND-1', 'green', true);
    assert.equal(retry.status, 202, JSON.stringify(retry.body));
    assert.equal(retry.body.status, 'unknown');
    assert.deepEqual(
      dapp.received.filter((id) => id === 'status-resend-1'),
      ['status-resend-1'],
    );
    dapp.commit('status-resend-1');
    assert.equal((await statusOf('status-resend-1')).status, 'committed');
    assert.deepEqual(await recorded('status-resend-1'), { status: 'committed', tx_id: TX });
  });

  it('answers a retry of a timed-out sync write as unknown, then records the DAPP failing it', async function () {
    dapp.answer = 'slow';
    const first = await create('status-slow-1', 'SLOW-1');
    assert.equal(first.status, 504, JSON.stringify(first.body));
    const retry = await create('status-slow-1', 'SLOW-1');
    assert.equal(retry.status, 202, JSON.stringify(retry.body));
    assert.equal(retry.body.status, 'unknown');
    assert.equal(retry.body.statusUrl, '/v1/requests/status-slow-1');
    dapp.fail('status-slow-1');
    await waitUntil(
      'the failure is recorded',
      async () => (await recorded('status-slow-1'))?.status === 'failed',
      15_000,
    );
    const status = await statusOf('status-slow-1');
    assert.equal(status.status, 'failed');
    assert.equal((status.reason as { code?: string } | undefined)?.code, 'MVCC_READ_CONFLICT');
    const again = await create('status-slow-1', 'SLOW-1');
    assert.equal(again.status, 409, JSON.stringify(again.body));
  });

  it('never changes a final status once recorded', async function () {
    const written = await api.service.store.writes.recordOutcome('status-lost-1', {
      status: 'failed',
    });
    assert.equal(written, false);
    assert.equal((await recorded('status-lost-1'))?.status, 'committed');
  });
});
