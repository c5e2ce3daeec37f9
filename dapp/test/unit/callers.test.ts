// SPDX-License-Identifier: Apache-2.0
// Callers and their requests: identity scopes per API key, requests private to their caller,
// reused ids, transient data kept out of the queue, and queued messages checked before signing.
// Real Postgres (embedded) and real HTTP; the queue producer and Fabric are stand-ins.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';

import type { Database } from '@consortia/common';
import { createLogger, listen } from '@consortia/common';
import type { Producer, ProducerBatch, ProducerRecord } from 'kafkajs';

import type { ApiKeyEntry } from '../../src/http/api-keys';
import { CallerPolicy, parseClientIdentities } from '../../src/access/callers';
import { createApp } from '../../src/http/app';
import { ApiKeyVerifier, hashApiKey, parseApiKeyEntries } from '../../src/http/auth';
import { AuthThrottle } from '../../src/http/auth-throttle';
import { BodyValidator } from '../../src/http/openapi';
import { MetadataCache } from '../../src/fabric/metadata';
import { DappMetrics } from '../../src/metrics';
import { QueuePublisher } from '../../src/queue/kafka';
import type { QueuedRequest } from '../../src/queue/messages';
import { QueuedRequestVerifier, UnverifiedMessage } from '../../src/queue/verify';
import { migrate } from '../../src/store/migrate';
import { RequestStore } from '../../src/store/request-store';
import { TransientVault } from '../../src/store/transient-vault';
import { startPostgres, tempDir } from '../support/infra';
import { chaincodeMetadata } from '../support/metadata';
import { StubLedgerSubmitter } from '../support/stub-submitter';

const TX_PATH = '/v1/channels/consortium/chaincodes/consortia/transactions';
const RECIPIENT = 'b'.repeat(64);
const SECRET_VALUE = 'appraised-at-9000-secret';

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

describe('callers: identity scopes, own requests, reused ids, sealed transient data', function () {
  this.timeout(120_000);
  const dir = tempDir('callers');
  let database: Database;
  let store: RequestStore;
  let stub: StubLedgerSubmitter;
  let server: http.Server;
  let base: string;
  let keys: Map<string, ApiKeyEntry>;
  let vault: TransientVault;
  let policy: CallerPolicy;
  const sent: ProducerRecord[] = [];
  const key: Record<string, string> = {};

  before(async function () {
    database = await startPostgres(dir);
    await migrate({ connectionString: database.connectionString });
    store = new RequestStore({ connectionString: database.connectionString });
    stub = new StubLedgerSubmitter(database.connectionString, chaincodeMetadata());
    await stub.init();
    const made = await Promise.all([
      hashApiKey('alpha'),
      hashApiKey('beta', undefined, ['default', 'auditor']),
    ]);
    [key.alpha, key.beta] = made.map((each) => each.key) as [string, string];
    keys = parseApiKeyEntries(made.map((each) => each.entry));
    vault = new TransientVault(crypto.randomBytes(32));
    policy = new CallerPolicy(keys.values(), new Map(), (name) => stub.hasIdentity(name));
    // Each message published is kept as a record of its own, however it was batched.
    const producer = {
      sendBatch: async (batch: ProducerBatch) => {
        for (const { topic, messages } of batch.topicMessages ?? []) {
          for (const message of messages) sent.push({ topic, messages: [message] });
        }
        return [];
      },
    } as unknown as Producer;
    const app = createApp({
      channels: ['consortium'],
      chaincodes: ['consortia'],
      defaultChannel: 'consortium',
      catalogs: new MetadataCache(() => stub.metadata(), 60_000),
      submitter: stub,
      store,
      storeId: await store.storeId(),
      publisher: new QueuePublisher(producer, {
        requests: 'requests',
        results: 'results',
        deadLetter: 'dlq',
      }),
      retryPolicy: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
      policy,
      vault,
      bodies: new BodyValidator(),
      metrics: new DappMetrics(async () => 0),
      logger: createLogger('dapp-test', 'silent'),
      verifier: new ApiKeyVerifier(
        keys,
        new AuthThrottle({
          maxConcurrent: 1,
          maxWaiting: 4,
          failuresPerSource: 3,
          failuresGlobal: 50,
          windowMs: 60_000,
        }),
      ),
      checks: {},
    });
    server = (await import('node:http')).createServer(app);
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });

  after(async function () {
    await new Promise((resolve) => server?.close(resolve));
    await store?.close();
    stub?.close();
    await database?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function call(
    method: string,
    route: string,
    caller: string | undefined,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: {
        ...headers,
        ...(caller ? { 'x-api-key': caller } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      headers: response.headers,
    };
  }
  const code = (answer: Answer) => (answer.body.error as { code?: string } | undefined)?.code;
  const transfer = (amount: string, extra: Record<string, unknown> = {}) => ({
    function: 'TokenContract:Transfer',
    args: [RECIPIENT, amount],
    ...extra,
  });

  it('refuses an identity the key may not use, and an unknown one, alike and without a list', async function () {
    const before = stub.calls.length;
    const forbidden = await call('POST', TX_PATH, key.alpha, transfer('1'), {
      'x-fabric-identity': 'auditor',
    });
    const unknown = await call('POST', TX_PATH, key.alpha, transfer('1'), {
      'x-fabric-identity': 'nobody',
    });
    for (const answer of [forbidden, unknown]) {
      assert.equal(answer.status, 403, JSON.stringify(answer.body));
      assert.equal(code(answer), 'IDENTITY_FORBIDDEN');
      assert.deepEqual(Object.keys(answer.body.error as object).sort(), ['code', 'message']);
      assert.doesNotMatch(JSON.stringify(answer.body), /default/);
    }
    const query = await call(
      'POST',
      '/v1/channels/consortium/chaincodes/consortia/queries',
      key.alpha,
      { function: 'TokenContract:BalanceOf', args: [RECIPIENT] },
      { 'x-fabric-identity': 'auditor' },
    );
    assert.equal(query.status, 403, 'queries are scoped too');
    assert.equal(stub.calls.length, before, 'nothing reached Fabric');
    const allowed = await call('POST', TX_PATH, key.beta, transfer('1'), {
      'x-fabric-identity': 'auditor',
    });
    assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
    assert.equal(stub.calls.at(-1)?.identity, 'auditor');
  });

  it("answers 404 for another caller's request, and lets each caller use the same id", async function () {
    const mine = await call('POST', TX_PATH, key.alpha, transfer('2', { requestId: 'shared-1' }));
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.equal(mine.body.requestId, 'shared-1');
    assert.equal(stub.calls.at(-1)?.requestId, 'alpha:shared-1', 'the chaincode id is namespaced');
    const own = await call('GET', '/v1/requests/shared-1', key.alpha);
    assert.equal(own.status, 200);
    assert.equal(own.body.requestId, 'shared-1');
    assert.equal(own.body.caller, undefined);
    const theirs = await call('GET', '/v1/requests/shared-1', key.beta);
    assert.equal(theirs.status, 404);
    assert.equal(code(theirs), 'REQUEST_NOT_FOUND');
    const sameIdElsewhere = await call(
      'POST',
      TX_PATH,
      key.beta,
      transfer('3', { requestId: 'shared-1' }),
    );
    assert.equal(sameIdElsewhere.status, 200, 'request ids are per caller');
    const again = await call('POST', TX_PATH, key.alpha, transfer('2', { requestId: 'shared-1' }));
    assert.equal(again.status, 409);
    assert.equal(code(again), 'DUPLICATE_REQUEST');
    const record = (again.body.error as { request: Record<string, unknown> }).request;
    assert.equal(record.requestId, 'shared-1');
    assert.equal(record.txId, mine.body.txId, "the 409 shows the caller's own record only");
  });

  it('refuses a reused id with another body while queued, and re-publishes an identical retry', async function () {
    const body = transfer('4', { requestId: 'queued-1', mode: 'async' });
    const first = await call('POST', TX_PATH, key.alpha, body);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    assert.deepEqual(first.body, {
      requestId: 'queued-1',
      status: 'queued',
      statusUrl: '/v1/requests/queued-1',
    });
    const published = sent.length;
    const changed = await call('POST', TX_PATH, key.alpha, { ...body, args: [RECIPIENT, '400'] });
    assert.equal(changed.status, 409, JSON.stringify(changed.body));
    assert.equal(code(changed), 'REQUEST_ID_CONFLICT');
    const otherIdentity = await call('POST', TX_PATH, key.beta, body);
    assert.equal(otherIdentity.status, 202, "beta's queued-1 is another request");
    const betaChanged = await call('POST', TX_PATH, key.beta, body, {
      'x-fabric-identity': 'auditor',
    });
    assert.equal(code(betaChanged), 'REQUEST_ID_CONFLICT', 'the identity is part of the body');
    const retry = await call('POST', TX_PATH, key.alpha, body);
    assert.equal(retry.status, 202, 'an identical retry of a queued request is accepted again');
    assert.equal(sent.length, published + 2, 'beta and the retry were published; nothing else');
  });

  it('keeps transient data out of the queued message, sealed in the store', async function () {
    const answer = await call('POST', TX_PATH, key.alpha, {
      function: 'AssetContract:CreateAsset',
      args: ['ASSET-T1', 'equipment', 'Org1MSP', '{}'],
      transient: { privateDetails: { appraisal: SECRET_VALUE } },
      requestId: 'private-1',
      mode: 'async',
    });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    const record = sent.at(-1)!;
    const text = JSON.stringify(record.messages);
    assert.doesNotMatch(text, new RegExp(SECRET_VALUE));
    const message = JSON.parse(String(record.messages[0]?.value)) as QueuedRequest;
    assert.equal(message.caller, 'alpha');
    assert.equal(message.requestId, 'alpha:private-1');
    assert.equal(message.transientRef, 'alpha:private-1');
    assert.equal('transient' in message, false);
    const sealed = await store.sealedTransient('alpha:private-1');
    assert.ok(sealed);
    assert.equal(sealed.includes(Buffer.from(SECRET_VALUE)), false, 'sealed, not plain');
    assert.match(vault.open('alpha:private-1', sealed).privateDetails ?? '', /appraised-at-9000/);
    assert.throws(() => vault.open('alpha:other', sealed), 'bound to its request');
  });

  it('runs a queued message only when it is the stored request of a caller allowed its identity', async function () {
    const verifier = new QueuedRequestVerifier(store, policy, vault);
    const message = JSON.parse(String(sent.at(-1)?.messages[0]?.value)) as QueuedRequest;
    const stored = (await store.get(message.requestId))!;
    const transient = await verifier.verify(message, stored);
    assert.match(transient.privateDetails ?? '', new RegExp(SECRET_VALUE));
    const refusals: [string, QueuedRequest][] = [
      ['changed arguments', { ...message, args: ['ASSET-T1', 'equipment', 'Org2MSP', '{}'] }],
      ['another caller', { ...message, caller: 'beta' }],
      ['a forbidden identity', { ...message, identity: 'auditor' }],
      ['no transient reference', { ...message, transientRef: undefined }],
    ];
    for (const [what, forged] of refusals) {
      await assert.rejects(verifier.verify(forged, stored), UnverifiedMessage, what);
    }
    // A key allowed `auditor` on the HTTP side but not in this worker's configuration.
    const narrower = new CallerPolicy(
      parseApiKeyEntries([(await hashApiKey('beta')).entry]).values(),
      new Map(),
      (name) => stub.hasIdentity(name),
    );
    assert.equal(narrower.mayUse('beta', 'auditor'), false);
  });

  it('deletes sealed transient data once the request is final', async function () {
    await store.recordOutcome(
      {
        requestId: 'alpha:private-1',
        mode: 'async',
        status: 'submitted',
        channel: 'consortium',
        chaincode: 'consortia',
        function: 'AssetContract:CreateAsset',
      },
      { status: 'failed', reason: { code: 'X', message: 'test' }, attempts: 1 },
    );
    assert.equal(await store.sealedTransient('alpha:private-1'), undefined);
  });

  it('answers 429 with Retry-After once a source keeps presenting wrong keys', async function () {
    const wrong = () =>
      call('GET', '/v1/requests/x', `alpha.${crypto.randomBytes(8).toString('hex')}`);
    const statuses: number[] = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await wrong()).status);
    assert.deepEqual(statuses, [401, 401, 401]);
    const limited = await wrong();
    assert.equal(limited.status, 429);
    assert.equal(code(limited), 'TOO_MANY_ATTEMPTS');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    const cached = await call('GET', '/v1/requests/shared-1', key.alpha);
    assert.equal(cached.status, 200, 'a key already verified still works');
  });

  it('scopes client certificates by configuration', function () {
    const certificates = parseClientIdentities(['portal-client=default|auditor']);
    const scoped = new CallerPolicy([], certificates, (name) =>
      ['default', 'auditor'].includes(name),
    );
    assert.equal(scoped.mayUse('cert@portal-client', 'auditor'), true);
    assert.equal(scoped.mayUse('cert@stranger', 'auditor'), false);
    assert.equal(scoped.mayUse('cert@stranger', undefined), true, 'unlisted: default only');
    assert.equal(scoped.mayUse('unknown-key', undefined), false);
  });
});
