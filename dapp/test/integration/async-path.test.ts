// SPDX-License-Identifier: Apache-2.0
// The DAPP's own mechanics against real components: a real Kafka broker, a real embedded
// Postgres and real HTTP. Fabric is not installed here, so the Fabric submitter is replaced by
// StubLedgerSubmitter (test/support/stub-submitter.ts), which imitates only the chaincode's
// request-id check; the real-network tests are in fabric-network.test.ts.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';

import type { Database } from '@consortia/common';
import { createLogger } from '@consortia/common';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaMessage } from 'kafkajs';

import { readConfig } from '../../src/config';
import { hashApiKey } from '../../src/http/auth';
import type { QueuedRequest } from '../../src/queue/messages';
import { RequestStore } from '../../src/store/request-store';
import { TransientVault, parseTransientKey } from '../../src/store/transient-vault';
import type { RunningService } from '../../src/service';
import { startService } from '../../src/service';
import { makeCertificates } from '../support/certificates';
import type { TestKafka } from '../support/infra';
import { eventually, startKafka, startPostgres, tempDir } from '../support/infra';
import { chaincodeMetadata } from '../support/metadata';
import { REFUSED_AMOUNT, StubLedgerSubmitter, UNREACHABLE_AMOUNT } from '../support/stub-submitter';

const CHANNEL = 'consortium';
const CHAINCODE = 'consortia';
const TX_PATH = `/v1/channels/${CHANNEL}/chaincodes/${CHAINCODE}/transactions`;
const QUERY_PATH = `/v1/channels/${CHANNEL}/chaincodes/${CHAINCODE}/queries`;
const RECIPIENT = 'a'.repeat(64);
const silent = createLogger('dapp-test', 'silent');

/** The service's JSON log lines, kept in memory so a test can follow a correlation id. */
const logLines: Record<string, unknown>[] = [];
const capturingLogger = createLogger('dapp', 'info', {
  write(line: string) {
    logLines.push(JSON.parse(line) as Record<string, unknown>);
  },
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function call(
  base: string,
  method: string,
  route: string,
  options: { key?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers['x-api-key'] = options.key;
  if (options.body !== undefined || options.raw !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${base}${route}`, {
    method,
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, body, headers: response.headers };
}

const errorCode = (answer: Answer) => (answer.body.error as { code?: string } | undefined)?.code;

function transfer(amount: string, extra: Record<string, unknown> = {}) {
  return { function: 'TokenContract:Transfer', args: [RECIPIENT, amount], ...extra };
}

/** Reads every message of a topic from the start, until `enough` says it has what it needs. */
async function readTopic(
  brokers: string[],
  topic: string,
  enough: (messages: KafkaMessage[]) => boolean,
  timeoutMs = 60_000,
): Promise<KafkaMessage[]> {
  const kafka = new Kafka({ clientId: 'dapp-test-reader', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}-${Math.random()}` });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`not enough messages on ${topic}`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ message }) => {
          messages.push(message);
          if (enough(messages)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

const valueOf = (message: KafkaMessage) =>
  JSON.parse(message.value?.toString('utf8') ?? '{}') as Record<string, unknown>;

describe('DAPP with real Kafka, Postgres and HTTP (Fabric submitter stubbed)', function () {
  this.timeout(180_000);
  const dir = tempDir('async');
  let kafka: TestKafka | undefined;
  let database: Database | undefined;
  let stub: StubLedgerSubmitter;
  let service: RunningService | undefined;
  let base: string;
  let apiKey: string;
  let keyEntry: string;

  const transientKey = crypto.randomBytes(32).toString('base64');
  const baseEnv = (): NodeJS.ProcessEnv => ({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database!.connectionString,
    KAFKA_BROKERS: kafka!.brokers.join(','),
    KAFKA_PARTITIONS: '4',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    FABRIC_CHANNEL: CHANNEL,
    FABRIC_CHAINCODE: CHAINCODE,
    DAPP_API_KEYS: keyEntry,
    RETRY_MAX_ATTEMPTS: '3',
    RETRY_BASE_DELAY_MS: '10',
    RETRY_MAX_DELAY_MS: '50',
    // These cases count attempts: queued requests retry RETRY_MAX_ATTEMPTS times, not for a window.
    ASYNC_RETRY_WINDOW_MS: '0',
    DAPP_TRANSIENT_KEY: transientKey,
  });

  before(async function () {
    [kafka, database] = await Promise.all([startKafka(dir), startPostgres(dir)]);
    ({ key: apiKey, entry: keyEntry } = await hashApiKey('tester', undefined, [
      'default',
      'auditor',
    ]));
    stub = new StubLedgerSubmitter(database.connectionString, chaincodeMetadata());
    await stub.init();
    service = await startService(readConfig(baseEnv()), capturingLogger, 'serve', {
      submitter: stub,
    });
    base = `http://127.0.0.1:${service.port}`;
  });

  after(async function () {
    await service?.stop();
    stub?.close();
    await database?.stop();
    await kafka?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('open endpoints and authentication', function () {
    it('serves /healthz, /readyz (peer, Kafka, Postgres) and /openapi.json without a key', async function () {
      assert.equal((await call(base, 'GET', '/healthz')).status, 200);
      const ready = await call(base, 'GET', '/readyz');
      assert.equal(ready.status, 200, JSON.stringify(ready.body));
      assert.deepEqual(ready.body.checks, { fabric: 'ok', postgres: 'ok', kafka: 'ok' });
      const document = await call(base, 'GET', '/openapi.json');
      assert.equal(document.body.openapi, '3.1.0');
      assert.ok(
        (document.body.paths as Record<string, unknown>)[
          '/v1/channels/{channel}/chaincodes/{chaincode}/transactions'
        ],
      );
    });

    it('refuses a write without a key, and with a wrong one', async function () {
      const missing = await call(base, 'POST', TX_PATH, { body: transfer('1') });
      assert.equal(missing.status, 401);
      assert.equal(errorCode(missing), 'UNAUTHENTICATED');
      assert.match(missing.headers.get('www-authenticate') ?? '', /Bearer/);
      const wrong = await call(base, 'POST', TX_PATH, {
        body: transfer('1'),
        key: `tester.${'x'.repeat(32)}`,
      });
      assert.equal(wrong.status, 401);
      assert.equal(errorCode(wrong), 'INVALID_API_KEY');
      const bearer = await call(base, 'GET', '/v1/requests/none', {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      assert.equal(bearer.status, 404, 'a bearer key is accepted too');
    });
  });

  describe('clear errors before anything reaches Fabric', function () {
    it('names what is wrong with a bad body', async function () {
      const notJson = await call(base, 'POST', TX_PATH, { key: apiKey, raw: '{"function":' });
      assert.equal(notJson.status, 400);
      assert.equal(errorCode(notJson), 'INVALID_JSON');
      const noFunction = await call(base, 'POST', TX_PATH, { key: apiKey, body: { args: [] } });
      assert.equal(noFunction.status, 400);
      assert.equal(errorCode(noFunction), 'INVALID_REQUEST');
      assert.match(JSON.stringify(noFunction.body), /must have required property 'function'/);
      const badMode = await call(base, 'POST', TX_PATH, {
        key: apiKey,
        body: transfer('1', { mode: 'later', colour: 'red' }),
      });
      assert.equal(badMode.status, 400);
      const problems = (badMode.body.error as { problems: string[] }).problems.join('\n');
      assert.match(problems, /body\.mode must be one of sync, async/);
      assert.match(problems, /unknown property 'colour'/);
    });

    it('answers 404 for a channel or chaincode it does not serve', async function () {
      const channel = await call(
        base,
        'POST',
        `/v1/channels/elsewhere/chaincodes/${CHAINCODE}/transactions`,
        { key: apiKey, body: transfer('1') },
      );
      assert.equal(channel.status, 404);
      assert.equal(errorCode(channel), 'UNKNOWN_CHANNEL');
      const chaincode = await call(
        base,
        'POST',
        `/v1/channels/${CHANNEL}/chaincodes/other/queries`,
        {
          key: apiKey,
          body: { function: 'TokenContract:TotalSupply' },
        },
      );
      assert.equal(chaincode.status, 404);
      assert.equal(errorCode(chaincode), 'UNKNOWN_CHAINCODE');
    });

    it('checks function and argument types against the contract metadata', async function () {
      const before = stub.calls.length;
      const unknown = await call(base, 'POST', TX_PATH, {
        key: apiKey,
        body: { function: 'TokenContract:Steal', args: [] },
      });
      assert.equal(unknown.status, 400);
      assert.equal(errorCode(unknown), 'UNKNOWN_FUNCTION');
      assert.match(JSON.stringify(unknown.body), /unknown function 'Steal'/);
      const wrongType = await call(base, 'POST', TX_PATH, {
        key: apiKey,
        body: { function: 'TokenContract:Transfer', args: [RECIPIENT, 5] },
      });
      assert.equal(wrongType.status, 400);
      assert.equal(errorCode(wrongType), 'INVALID_ARGUMENT');
      assert.match(
        JSON.stringify(wrongType.body),
        /argument 2 'amount'.*must be string.*got number/,
      );
      const query = await call(base, 'POST', TX_PATH, {
        key: apiKey,
        body: { function: 'TokenContract:BalanceOf', args: [RECIPIENT] },
      });
      assert.equal(errorCode(query), 'NOT_A_TRANSACTION');
      const identity = await call(base, 'POST', TX_PATH, {
        key: apiKey,
        body: transfer('1'),
        headers: { 'x-fabric-identity': 'nobody' },
      });
      assert.equal(identity.status, 403);
      assert.equal(errorCode(identity), 'IDENTITY_FORBIDDEN');
      assert.equal(stub.calls.length, before, 'nothing was sent to the submitter');
    });
  });

  describe('sync submissions', function () {
    it('answers txId, validation code and block, records the request, and refuses its id again', async function () {
      const answer = await call(base, 'POST', TX_PATH, {
        key: apiKey,
        body: transfer('2.5', { requestId: 'sync-1', mode: 'sync' }),
        headers: { 'x-fabric-identity': 'auditor' },
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.status, 'committed');
      assert.match(String(answer.body.txId), /^[0-9a-f]{64}$/);
      assert.equal(answer.body.validationCode, 'VALID');
      assert.equal(stub.calls.at(-1)?.identity, 'auditor');
      assert.deepEqual(stub.calls.at(-1)?.args, [RECIPIENT, '2.5']);
      const status = await call(base, 'GET', '/v1/requests/sync-1', { key: apiKey });
      assert.equal(status.body.status, 'committed');
      assert.equal(status.body.txId, answer.body.txId);
      const again = await call(base, 'POST', TX_PATH, {
        key: apiKey,
        body: transfer('2.5', { requestId: 'sync-1' }),
        headers: { 'x-fabric-identity': 'auditor' },
      });
      assert.equal(again.status, 409);
      assert.equal(errorCode(again), 'DUPLICATE_REQUEST');
      // The identity is part of the request: the same id without it is another request.
      const otherIdentity = await call(base, 'POST', TX_PATH, {
        key: apiKey,
        body: transfer('2.5', { requestId: 'sync-1' }),
      });
      assert.equal(otherIdentity.status, 409);
      assert.equal(errorCode(otherIdentity), 'REQUEST_ID_CONFLICT');
      const ledger = await call(base, 'GET', `/v1/transactions/${String(answer.body.txId)}`, {
        key: apiKey,
      });
      assert.equal(ledger.status, 200);
      assert.equal(ledger.body.valid, true);
      const missing = await call(base, 'GET', `/v1/transactions/${'0'.repeat(64)}`, {
        key: apiKey,
      });
      assert.equal(missing.status, 404);
    });

    it("passes the chaincode's JSON error through with its status", async function () {
      const answer = await call(base, 'POST', TX_PATH, {
        key: apiKey,
        body: transfer(REFUSED_AMOUNT, { requestId: 'sync-refused' }),
      });
      assert.equal(answer.status, 422);
      assert.deepEqual((answer.body.error as { chaincode: unknown }).chaincode, {
        code: 'INSUFFICIENT_FUNDS',
        message: 'balance 0 is less than 99999',
      });
      const status = await call(base, 'GET', '/v1/requests/sync-refused', { key: apiKey });
      assert.equal(status.body.status, 'failed');
    });

    it('evaluates queries', async function () {
      const answer = await call(base, 'POST', QUERY_PATH, {
        key: apiKey,
        body: { function: 'TokenContract:BalanceOf', args: { account: RECIPIENT } },
      });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body.result, {
        evaluated: 'TokenContract:BalanceOf',
        args: [RECIPIENT],
      });
    });
  });

  describe('async submissions through Kafka', function () {
    it('accepts, queues, commits, records the outcome and publishes it with the correlation id', async function () {
      const answer = await call(base, 'POST', TX_PATH, {
        key: apiKey,
        body: transfer('1', { mode: 'async', requestId: 'async-1', key: 'account-a' }),
        headers: { 'x-correlation-id': 'corr-async-1' },
      });
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      assert.deepEqual(answer.body, {
        requestId: 'async-1',
        status: 'queued',
        statusUrl: '/v1/requests/async-1',
      });
      const committed = await eventually('async-1 committed', async () => {
        const status = await call(base, 'GET', '/v1/requests/async-1', { key: apiKey });
        return status.body.status === 'committed' ? status.body : undefined;
      });
      assert.match(String(committed.txId), /^[0-9a-f]{64}$/);
      assert.equal(committed.correlationId, 'corr-async-1');

      const requests = await readTopic(kafka!.brokers, 'dapp.tx.requests', (messages) =>
        messages.some((message) => valueOf(message).requestId === 'tester:async-1'),
      );
      const queued = requests.find((message) => valueOf(message).requestId === 'tester:async-1')!;
      assert.equal(queued.key?.toString(), 'account-a');
      assert.equal(queued.headers?.['x-correlation-id']?.toString(), 'corr-async-1');
      const results = await readTopic(kafka!.brokers, 'dapp.tx.results', (messages) =>
        messages.some((message) => valueOf(message).requestId === 'tester:async-1'),
      );
      const result = valueOf(
        results.find((message) => valueOf(message).requestId === 'tester:async-1')!,
      );
      assert.equal(result.status, 'committed');
      assert.equal(result.txId, committed.txId);
      const ledger = await stub.pool.query<{ correlation_id: string }>(
        'SELECT correlation_id FROM stub_ledger WHERE request_id = $1',
        ['tester:async-1'],
      );
      assert.equal(
        ledger.rows[0]?.correlation_id,
        'corr-async-1',
        'the correlation id reached the submitter',
      );
    });

    it('retries transient failures, then fails the request and dead-letters it with the reason', async function () {
      const answer = await call(base, 'POST', TX_PATH, {
        key: apiKey,
        body: transfer(UNREACHABLE_AMOUNT, { mode: 'async', requestId: 'async-unreachable' }),
      });
      assert.equal(answer.status, 202);
      const failed = await eventually('async-unreachable failed', async () => {
        const status = await call(base, 'GET', '/v1/requests/async-unreachable', { key: apiKey });
        return status.body.status === 'failed' ? status.body : undefined;
      });
      assert.equal(failed.attempts, 3);
      assert.equal((failed.reason as { code: string }).code, 'PEER_UNAVAILABLE');
      assert.equal((failed.reason as { retriesExhausted: boolean }).retriesExhausted, true);
      const dead = await readTopic(kafka!.brokers, 'dapp.tx.dlq', (messages) =>
        messages.some((message) => valueOf(message).requestId === 'tester:async-unreachable'),
      );
      const letter = valueOf(
        dead.find((message) => valueOf(message).requestId === 'tester:async-unreachable')!,
      );
      assert.equal((letter.reason as { code: string }).code, 'PEER_UNAVAILABLE');
      assert.match(String(letter.original), /async-unreachable/);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      assert.match(metrics, /dapp_retries_total\{reason="PEER_UNAVAILABLE"\} 2/);
      assert.match(metrics, /dapp_dead_lettered_total 1/);
      assert.match(metrics, /dapp_queue_depth \d+/);
      assert.match(
        metrics,
        /dapp_http_requests_total\{method="POST",route="\/v1\/channels\/:channel\/chaincodes\/:chaincode\/transactions",status="202"\}/,
      );
    });

    it('does not dead-letter a refusal by the chaincode, and refuses a finished request id', async function () {
      await call(base, 'POST', TX_PATH, {
        key: apiKey,
        body: transfer(REFUSED_AMOUNT, { mode: 'async', requestId: 'async-refused' }),
      });
      const failed = await eventually('async-refused failed', async () => {
        const status = await call(base, 'GET', '/v1/requests/async-refused', { key: apiKey });
        return status.body.status === 'failed' ? status.body : undefined;
      });
      assert.equal((failed.reason as { code: string }).code, 'INSUFFICIENT_FUNDS');
      assert.equal((failed.reason as { retriesExhausted: boolean }).retriesExhausted, false);
      const again = await call(base, 'POST', TX_PATH, {
        key: apiKey,
        body: transfer('1', { mode: 'async', requestId: 'async-refused' }),
      });
      assert.equal(again.status, 409);
    });
  });

  describe('queued messages bound to the request their caller queued', function () {
    const SECRET = 'appraisal-secret-4711';

    it('keeps transient data out of every topic, and drops it once the request is final', async function () {
      const answer = await call(base, 'POST', TX_PATH, {
        key: apiKey,
        body: {
          function: 'AssetContract:CreateAsset',
          args: ['ASSET-P1', 'equipment', 'Org1MSP', '{}'],
          transient: { privateDetails: { appraisal: SECRET } },
          requestId: 'private-1',
          mode: 'async',
        },
      });
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      await eventually('private-1 committed', async () => {
        const status = await call(base, 'GET', '/v1/requests/private-1', { key: apiKey });
        return status.body.status === 'committed' ? true : undefined;
      });
      const submitted = stub.calls.find((each) => each.requestId === 'tester:private-1');
      assert.match(submitted?.transient.privateDetails ?? '', new RegExp(SECRET), 'Fabric got it');
      for (const topic of ['dapp.tx.requests', 'dapp.tx.results']) {
        const messages = await readTopic(kafka!.brokers, topic, (all) =>
          all.some((message) => valueOf(message).requestId === 'tester:private-1'),
        );
        for (const message of messages) {
          assert.doesNotMatch(message.value?.toString('utf8') ?? '', new RegExp(SECRET), topic);
        }
      }
      const { rows } = await stub.pool.query(
        'SELECT 1 FROM dapp_request_transient WHERE request_id = $1',
        ['tester:private-1'],
      );
      assert.equal(rows.length, 0, 'the sealed copy is deleted once the request is final');
    });

    it('refuses and dead-letters forged or modified messages, without transient data', async function () {
      // The front door accepted tester:forge-1 (a row with its hash and sealed transient data);
      // messages about it are then written to Kafka by someone else.
      const vault = new TransientVault(parseTransientKey(transientKey));
      const store = new RequestStore({ connectionString: database!.connectionString });
      const transient = { privateDetails: JSON.stringify({ appraisal: SECRET }) };
      const genuine: QueuedRequest = {
        requestId: 'tester:forge-1',
        caller: 'tester',
        channel: CHANNEL,
        chaincode: CHAINCODE,
        transactionName: 'TokenContract:Transfer',
        function: 'Transfer',
        args: [RECIPIENT, '1'],
        transientRef: 'tester:forge-1',
        partitionKey: 'forge',
        acceptedAt: new Date().toISOString(),
      };
      try {
        await store.create(
          {
            requestId: genuine.requestId,
            mode: 'async',
            status: 'queued',
            channel: CHANNEL,
            chaincode: CHAINCODE,
            function: genuine.transactionName,
            partitionKey: 'forge',
            requestHash: vault.requestHash({ ...genuine, identity: undefined, transient }),
          },
          vault.seal(genuine.requestId, transient),
        );
      } finally {
        await store.close();
      }
      const producer = new Kafka({
        clientId: 'forger',
        brokers: kafka!.brokers,
        logLevel: logLevel.NOTHING,
      }).producer();
      await producer.connect();
      const forged: Record<string, unknown>[] = [
        { ...genuine, args: [RECIPIENT, '1000'] },
        { ...genuine, identity: 'auditor' },
        { ...genuine, transientRef: undefined, transient: { privateDetails: 'forged-secret' } },
      ];
      try {
        await producer.send({
          topic: 'dapp.tx.requests',
          messages: forged.map((value) => ({ key: 'forge', value: JSON.stringify(value) })),
        });
      } finally {
        await producer.disconnect();
      }
      const dead = await readTopic(
        kafka!.brokers,
        'dapp.tx.dlq',
        (all) =>
          all.filter((message) => /forge-1/.test(message.value?.toString('utf8') ?? '')).length >=
          3,
      );
      const letters = dead.filter((message) =>
        /forge-1/.test(message.value?.toString('utf8') ?? ''),
      );
      const codes = letters.map((message) => (valueOf(message).reason as { code: string }).code);
      assert.deepEqual(codes, ['UNVERIFIED_MESSAGE', 'UNVERIFIED_MESSAGE', 'MALFORMED_MESSAGE']);
      for (const message of letters) {
        const text = message.value?.toString('utf8') ?? '';
        assert.doesNotMatch(text, new RegExp(SECRET));
        assert.doesNotMatch(text, /forged-secret/, 'a message carrying transient data loses it');
      }
      assert.equal(
        stub.calls.some((each) => each.requestId === 'tester:forge-1'),
        false,
        'no forged message was signed',
      );
      const status = await call(base, 'GET', '/v1/requests/forge-1', { key: apiKey });
      assert.equal(status.body.status, 'queued', 'the accepted request is left as it was');
    });
  });

  describe('mutual TLS', function () {
    let tlsService: RunningService | undefined;
    const certificates = makeCertificates(path.join(dir, 'tls'));

    after(async function () {
      await tlsService?.stop();
    });

    function tlsGet(
      port: number,
      route: string,
      client?: { cert: string; key: string },
      post?: { body: unknown; headers: Record<string, string> },
    ): Promise<{ status: number; body: string }> {
      return new Promise((resolve, reject) => {
        const request = https.request(
          {
            host: '127.0.0.1',
            port,
            path: route,
            ...(post
              ? {
                  method: 'POST',
                  headers: { 'content-type': 'application/json', ...post.headers },
                }
              : {}),
            ca: fs.readFileSync(certificates.caCert),
            ...(client
              ? { cert: fs.readFileSync(client.cert), key: fs.readFileSync(client.key) }
              : {}),
          },
          (response) => {
            let body = '';
            response.on('data', (chunk: Buffer) => (body += chunk.toString()));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          },
        );
        request.on('error', reject);
        request.end(post ? JSON.stringify(post.body) : undefined);
      });
    }

    it('authenticates a client certificate from the configured CA, and only that', async function () {
      tlsService = await startService(
        readConfig({
          ...baseEnv(),
          KAFKA_BROKERS: '',
          DAPP_TLS_PORT: '0',
          DAPP_TLS_CERT_FILE: certificates.serverCert,
          DAPP_TLS_KEY_FILE: certificates.serverKey,
          DAPP_TLS_CLIENT_CA_FILE: certificates.caCert,
          DAPP_CLIENT_IDENTITIES: 'portal-client=default|auditor',
        }),
        silent,
        'serve',
        { submitter: new StubLedgerSubmitter(database!.connectionString, chaincodeMetadata()) },
      );
      const port = tlsService.tlsPort!;
      const trusted = await tlsGet(port, '/v1/requests/sync-1', {
        cert: certificates.clientCert,
        key: certificates.clientKey,
      });
      // Authenticated, but sync-1 is the API key's request, not this certificate's.
      assert.equal(trusted.status, 404, trusted.body);
      assert.match(trusted.body, /REQUEST_NOT_FOUND/);
      // The certificate's identities come from DAPP_CLIENT_IDENTITIES, by its common name.
      const queryAs = (identity: string) =>
        tlsGet(
          port,
          QUERY_PATH,
          { cert: certificates.clientCert, key: certificates.clientKey },
          {
            body: { function: 'TokenContract:BalanceOf', args: [RECIPIENT] },
            headers: { 'x-fabric-identity': identity },
          },
        );
      const allowed = await queryAs('auditor');
      assert.equal(allowed.status, 200, allowed.body);
      const refused = await queryAs('nobody');
      assert.equal(refused.status, 403, refused.body);
      assert.match(refused.body, /IDENTITY_FORBIDDEN/);
      const stranger = await tlsGet(port, '/v1/requests/sync-1', {
        cert: certificates.strangerCert,
        key: certificates.strangerKey,
      });
      assert.equal(stranger.status, 401);
      assert.equal((await tlsGet(port, '/v1/requests/sync-1')).status, 401);
      assert.equal((await tlsGet(port, '/healthz')).status, 200);
      const asyncWithoutKafka = await call(`http://127.0.0.1:${tlsService.port}`, 'POST', TX_PATH, {
        key: apiKey,
        body: transfer('1', { mode: 'async' }),
      });
      assert.equal(asyncWithoutKafka.status, 503);
      assert.equal(errorCode(asyncWithoutKafka), 'QUEUE_DISABLED');
    });
  });

  describe('a worker process killed with SIGKILL mid-burst', function () {
    const topics = {
      KAFKA_TOPIC: 'crash.tx.requests',
      KAFKA_RESULTS_TOPIC: 'crash.tx.results',
      KAFKA_DLQ_TOPIC: 'crash.tx.dlq',
      KAFKA_GROUP_ID: 'crash-workers',
    };
    const REQUESTS = 240;
    let front: RunningService | undefined;
    let workers: ChildProcess[] = [];

    function startWorker(extraEnv: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
      const child = fork(path.join(__dirname, '..', 'support', 'worker-process.ts'), [], {
        cwd: path.resolve(__dirname, '..', '..'),
        execArgv: ['--require', 'tsx/cjs'],
        env: { ...process.env, ...baseEnv(), ...topics, WORKER_CONCURRENCY: '8', ...extraEnv },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      workers.push(child);
      return new Promise((resolve, reject) => {
        child.once('message', () => resolve(child));
        child.once('exit', (code) =>
          reject(new Error(`worker exited with ${code} before it was ready`)),
        );
      });
    }

    const ledgerCount = async (prefix = 'tester:crash-') =>
      Number(
        (
          await stub.pool.query<{ count: string }>(
            `SELECT count(*) AS count FROM stub_ledger WHERE request_id LIKE $1`,
            [`${prefix}%`],
          )
        ).rows[0]?.count,
      );

    after(async function () {
      for (const child of workers)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      workers = [];
      await front?.stop();
    });

    it('still ends with exactly one recorded outcome per accepted request, matching the ledger', async function () {
      front = await startService(
        readConfig({ ...baseEnv(), ...topics, DAPP_IN_PROCESS_WORKER: 'false' }),
        silent,
        'serve',
        { submitter: new StubLedgerSubmitter(database!.connectionString, chaincodeMetadata()) },
      );
      const frontBase = `http://127.0.0.1:${front.port}`;
      const first = await startWorker();
      const accepted: string[] = [];
      let next = 0;
      const send = async () => {
        while (next < REQUESTS) {
          const requestId = `crash-${next}`;
          next += 1;
          const answer = await call(frontBase, 'POST', TX_PATH, {
            key: apiKey,
            body: transfer('1', { mode: 'async', requestId, key: `account-${next % 16}` }),
          });
          if (answer.status === 202) accepted.push(requestId);
        }
      };
      const burst = Promise.all(Array.from({ length: 12 }, send));
      // Kill while some requests are committed on the "ledger" but have no recorded outcome yet.
      const committedUnrecorded = async () =>
        Number(
          (
            await stub.pool.query<{ count: string }>(
              `SELECT count(*) AS count FROM stub_ledger l JOIN dapp_requests r USING (request_id)
                WHERE l.request_id LIKE 'tester:crash-%' AND r.status <> 'committed'`,
            )
          ).rows[0]?.count,
        );
      await eventually(
        'commits in flight after the first 40',
        async () =>
          (await ledgerCount()) >= 40 && (await committedUnrecorded()) > 0 ? true : undefined,
        60_000,
        5,
      );
      first.kill('SIGKILL');
      await new Promise((resolve) => first.once('exit', resolve));
      const committedAtKill = await ledgerCount();
      const unrecordedAtKill = await committedUnrecorded();
      await burst;
      assert.equal(accepted.length, REQUESTS, 'the front door kept accepting while no worker ran');
      assert.ok(committedAtKill < REQUESTS, 'the worker was killed mid-burst');
      await startWorker();

      await eventually(
        'every accepted request finished',
        async () => {
          const { rows } = await stub.pool.query<{ count: string }>(
            `SELECT count(*) AS count FROM dapp_requests WHERE request_id LIKE 'tester:crash-%' AND status = 'committed'`,
          );
          return Number(rows[0]?.count) === REQUESTS ? true : undefined;
        },
        150_000,
        500,
      );
      const { rows } = await stub.pool.query<{
        request_id: string;
        recorded: string;
        ledger: string | null;
      }>(
        `SELECT r.request_id, r.tx_id AS recorded, l.tx_id AS ledger
           FROM dapp_requests r LEFT JOIN stub_ledger l USING (request_id)
          WHERE r.request_id LIKE 'tester:crash-%'`,
      );
      assert.equal(rows.length, REQUESTS);
      for (const row of rows) {
        assert.ok(row.ledger, `${row.request_id} reached the ledger`);
        assert.equal(
          row.recorded,
          row.ledger,
          `${row.request_id} is recorded with its ledger txId`,
        );
      }
      assert.equal(await ledgerCount(), REQUESTS, 'one ledger commit per accepted request');
      const replays = await stub.pool.query<{ count: string }>(
        `SELECT count(*) AS count FROM stub_ledger WHERE request_id LIKE 'tester:crash-%' AND duplicate_hits > 0`,
      );
      const replayed = Number(replays.rows[0]?.count);
      process.stderr.write(
        `      ${committedAtKill} committed at the kill (${unrecordedAtKill} without an outcome); ${replayed} replayed requests met DUPLICATE_REQUEST and were recorded with their first txId\n`,
      );
      // Settled either by a replay meeting DUPLICATE_REQUEST or by the reconciler finding the
      // recorded attempt on the ledger, whichever came first; both record the ledger's txId.
      assert.ok(unrecordedAtKill > 0, 'the kill left committed requests without an outcome');
    });

    it('on SIGTERM drains the messages in flight and commits them, so nothing is replayed', async function () {
      const frontBase = `http://127.0.0.1:${front!.port}`;
      const worker = await startWorker();
      const COUNT = 120;
      await Promise.all(
        Array.from({ length: 8 }, async (_, lane) => {
          for (let index = lane; index < COUNT; index += 8) {
            const answer = await call(frontBase, 'POST', TX_PATH, {
              key: apiKey,
              body: transfer('1', {
                mode: 'async',
                requestId: `drain-${index}`,
                key: `k-${index % 5}`,
              }),
            });
            assert.equal(answer.status, 202);
          }
        }),
      );
      await eventually('some drain commits', async () =>
        (await ledgerCount('tester:drain-')) >= 20 ? true : undefined,
      );
      worker.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => worker.once('exit', resolve));
      assert.equal(code, 0, 'the worker stopped cleanly');
      await startWorker();
      await eventually(
        'every drain request finished',
        async () => {
          const { rows } = await stub.pool.query<{ count: string }>(
            `SELECT count(*) AS count FROM dapp_requests WHERE request_id LIKE 'tester:drain-%' AND status = 'committed'`,
          );
          return Number(rows[0]?.count) === COUNT ? true : undefined;
        },
        150_000,
        500,
      );
      const replays = await stub.pool.query<{ count: string }>(
        `SELECT count(*) AS count FROM stub_ledger WHERE request_id LIKE 'tester:drain-%' AND duplicate_hits > 0`,
      );
      assert.equal(Number(replays.rows[0]?.count), 0, 'no finished request was delivered again');
      assert.equal(await ledgerCount('tester:drain-'), COUNT);
    });

    it('after a rebalance, the new owner waits for the requests the previous owner is finishing', async function () {
      const frontBase = `http://127.0.0.1:${front!.port}`;
      for (const child of workers.splice(0)) {
        if (child.exitCode !== null || child.signalCode !== null) continue;
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      // The first worker's endorsements take long enough for the second to join the group and be
      // given some of the partitions whose requests are still on their way to the ledger.
      await startWorker({ STUB_ENDORSE_MS: '10000' });
      const COUNT = 6;
      for (let index = 0; index < COUNT; index += 1) {
        const answer = await call(frontBase, 'POST', TX_PATH, {
          key: apiKey,
          body: transfer('1', { mode: 'async', requestId: `handover-${index}`, key: `h-${index}` }),
        });
        assert.equal(answer.status, 202);
      }
      await eventually('every request submitted, none on the ledger yet', async () => {
        const { rows } = await stub.pool.query<{ count: string }>(
          `SELECT count(*) AS count FROM dapp_requests
            WHERE request_id LIKE 'tester:handover-%' AND status = 'submitted'`,
        );
        return Number(rows[0]?.count) === COUNT ? true : undefined;
      });
      assert.equal(await ledgerCount('tester:handover-'), 0);
      await startWorker();
      await eventually(
        'every handover request finished',
        async () => {
          const { rows } = await stub.pool.query<{ count: string }>(
            `SELECT count(*) AS count FROM dapp_requests
              WHERE request_id LIKE 'tester:handover-%' AND status = 'committed'`,
          );
          return Number(rows[0]?.count) === COUNT ? true : undefined;
        },
        60_000,
        250,
      );
      // Give a second submission, had there been one, the time to reach the ledger.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const submittedTwice = await stub.pool.query<{ count: string }>(
        `SELECT count(*) AS count FROM stub_ledger
          WHERE request_id LIKE 'tester:handover-%' AND duplicate_hits > 0`,
      );
      assert.equal(Number(submittedTwice.rows[0]?.count), 0, 'no request was submitted twice');
    });
  });
});
