// SPDX-License-Identifier: Apache-2.0
// Request status tells the ledger's truth: outcomes in doubt are `unknown` until the ledger
// settles them, final states are written once, a restarted DAPP reconciles what a crash left,
// and two DAPPs with their own Postgres on one Kafka never take each other's requests. Real
// Kafka, real Postgres, real HTTP; the Fabric submitter is StubLedgerSubmitter (its ledger is a
// Postgres table), the real network is in fabric-network.test.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs';

import type { Database } from '@consortia/common';
import { createLogger } from '@consortia/common';

import { readConfig } from '../../src/config';
import { hashApiKey } from '../../src/http/auth';
import type { RunningService } from '../../src/service';
import { startService } from '../../src/service';
import { migrate } from '../../src/store/migrate';
import { RequestStore } from '../../src/store/request-store';
import type { NewRequest } from '../../src/store/request-store';
import { TransientVault } from '../../src/store/transient-vault';
import type { QueuedRequest } from '../../src/queue/messages';
import { callDapp } from '../support/http';
import type { TestKafka } from '../support/infra';
import { eventually, startKafka, startPostgres, tempDir } from '../support/infra';
import { chaincodeMetadata } from '../support/metadata';
import {
  COMMIT_TIMEOUT_AMOUNT,
  LATE_COMMIT_AMOUNT,
  LOST_ONCE_AMOUNT,
  StubLedgerSubmitter,
  UNREACHABLE_AMOUNT,
} from '../support/stub-submitter';

const CHANNEL = 'consortium';
const CHAINCODE = 'consortia';
const TX_PATH = `/v1/channels/${CHANNEL}/chaincodes/${CHAINCODE}/transactions`;
const RECIPIENT = 'b'.repeat(64);
const silent = createLogger('dapp-test', 'silent');

const call = (base: string, method: string, route: string, key: string, body?: unknown) =>
  callDapp(base, key, method, route, body);

const transfer = (amount: string, extra: Record<string, unknown> = {}) => ({
  function: 'TokenContract:Transfer',
  args: [RECIPIENT, amount],
  ...extra,
});

async function statusOf(base: string, key: string, requestId: string) {
  return (await call(base, 'GET', `/v1/requests/${requestId}`, key)).body;
}

describe('request status follows the ledger (real Kafka and Postgres, Fabric stubbed)', function () {
  this.timeout(240_000);
  const dir = tempDir('outcomes');
  let kafka: TestKafka | undefined;
  let database: Database | undefined;
  let other: Database | undefined;
  let apiKey: string;
  let keyEntry: string;
  const services: RunningService[] = [];
  const stubs: StubLedgerSubmitter[] = [];

  const env = (db: Database, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.connectionString,
    KAFKA_BROKERS: kafka!.brokers.join(','),
    KAFKA_PARTITIONS: '4',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    FABRIC_CHANNEL: CHANNEL,
    FABRIC_CHAINCODE: CHAINCODE,
    DAPP_API_KEYS: keyEntry,
    RETRY_MAX_ATTEMPTS: '1',
    RETRY_BASE_DELAY_MS: '10',
    RETRY_MAX_DELAY_MS: '50',
    // These cases count attempts: queued requests retry RETRY_MAX_ATTEMPTS times, not for a window.
    ASYNC_RETRY_WINDOW_MS: '0',
    FABRIC_SUBMIT_TIMEOUT_MS: '1',
    FABRIC_COMMIT_TIMEOUT_MS: '1',
    RECONCILE_INTERVAL_MS: '250',
    RECONCILE_GRACE_MS: '500',
    ...extra,
  });

  async function start(db: Database, extra: NodeJS.ProcessEnv = {}) {
    const stub = new StubLedgerSubmitter(db.connectionString, chaincodeMetadata());
    await stub.init();
    stubs.push(stub);
    const service = await startService(readConfig(env(db, extra)), silent, 'serve', {
      submitter: stub,
    });
    services.push(service);
    return { service, stub, base: `http://127.0.0.1:${service.port}` };
  }

  before(async function () {
    [kafka, database, other] = await Promise.all([
      startKafka(dir),
      startPostgres(`${dir}/a`),
      startPostgres(`${dir}/b`),
    ]);
    ({ key: apiKey, entry: keyEntry } = await hashApiKey('tester'));
  });

  after(async function () {
    for (const service of services) await service.stop().catch(() => undefined);
    for (const stub of stubs) stub.close();
    await database?.stop();
    await other?.stop();
    await kafka?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('final states', function () {
    it('are written once: committed is never overwritten, not even by failed', async function () {
      await migrate({ connectionString: database!.connectionString });
      const store = new RequestStore({ connectionString: database!.connectionString });
      try {
        const request: NewRequest = {
          requestId: 'final-1',
          mode: 'sync',
          status: 'submitted',
          channel: CHANNEL,
          chaincode: CHAINCODE,
          function: 'TokenContract:Transfer',
        };
        await store.create(request);
        await store.recordAttempt('final-1', 'c'.repeat(64));
        assert.equal(
          await store.recordOutcome(request, {
            status: 'committed',
            txId: 'c'.repeat(64),
            blockNumber: '5',
            attempts: 1,
          }),
          true,
        );
        const later = await store.recordOutcome(request, {
          status: 'failed',
          reason: { code: 'FABRIC_TIMEOUT', message: 'late' },
          attempts: 2,
        });
        assert.equal(later, false, 'the second final outcome is refused');
        await store.recordUnknown('final-1', {
          reason: { code: 'OUTCOME_UNKNOWN', message: 'late' },
          attempts: 3,
        });
        await assert.rejects(
          store.recordAttempt('final-1', 'd'.repeat(64)),
          /already final/,
          'no new attempt is sent for a final request',
        );
        await store.markSubmitted(request, 4);
        const record = await store.get('final-1');
        assert.equal(record?.status, 'committed');
        assert.equal(record?.txId, 'c'.repeat(64));
        assert.equal(record?.reason, undefined);
        assert.deepEqual(record?.attemptTxIds, ['c'.repeat(64)]);
      } finally {
        await store.close();
      }
    });
  });

  describe('outcomes in doubt', function () {
    let base: string;
    let stub: StubLedgerSubmitter;

    before(async function () {
      ({ base, stub } = await start(database!));
    });

    it('answers 202 unknown when the commit wait times out, then records the commit the ledger shows', async function () {
      const answer = await call(
        base,
        'POST',
        TX_PATH,
        apiKey,
        transfer(LATE_COMMIT_AMOUNT, { requestId: 'late-1' }),
      );
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      assert.equal(answer.body.status, 'unknown');
      assert.match(String(answer.body.txId), /^[0-9a-f]{64}$/);
      assert.equal(answer.body.statusUrl, '/v1/requests/late-1');
      const first = await statusOf(base, apiKey, 'late-1');
      assert.notEqual(first.status, 'failed');
      const settled = await eventually('late-1 settled', async () => {
        const record = await statusOf(base, apiKey, 'late-1');
        return record.status === 'committed' || record.status === 'failed' ? record : undefined;
      });
      assert.equal(settled.status, 'committed');
      assert.equal(settled.txId, answer.body.txId, 'the attempt that committed');
      const metrics = await (await fetch(`${base}/metrics`)).text();
      assert.match(metrics, /dapp_requests_unfinished\{mode="sync",status="unknown"\} \d+/);
      assert.match(metrics, /dapp_requests_stuck\{mode="sync",status="unknown"\} \d+/);
      assert.ok(stub.calls.length > 0);
    });

    it('answers committed when the commit wait times out but the ledger already has it', async function () {
      const answer = await call(
        base,
        'POST',
        TX_PATH,
        apiKey,
        transfer(COMMIT_TIMEOUT_AMOUNT, { requestId: 'timeout-committed-1' }),
      );
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.status, 'committed');
      const ledger = await stub.pool.query<{ tx_id: string }>(
        `SELECT tx_id FROM stub_ledger WHERE request_id LIKE '%:timeout-committed-1'`,
      );
      assert.equal(answer.body.txId, ledger.rows[0]?.tx_id);
    });

    it('queues again an async request whose only attempt never reached the ledger, and it commits once', async function () {
      const answer = await call(
        base,
        'POST',
        TX_PATH,
        apiKey,
        transfer(LOST_ONCE_AMOUNT, { requestId: 'lost-1', mode: 'async' }),
      );
      assert.equal(answer.status, 202);
      await eventually('lost-1 unknown', async () =>
        (await statusOf(base, apiKey, 'lost-1')).status === 'unknown' ? true : undefined,
      );
      const committed = await eventually('lost-1 committed', async () => {
        const record = await statusOf(base, apiKey, 'lost-1');
        assert.notEqual(record.status, 'failed');
        return record.status === 'committed' ? record : undefined;
      });
      const ledger = await stub.pool.query<{ tx_id: string }>(
        `SELECT tx_id FROM stub_ledger WHERE request_id LIKE '%lost-1'`,
      );
      assert.equal(ledger.rows.length, 1, 'one commit');
      assert.equal(committed.txId, ledger.rows[0]?.tx_id);
      assert.equal(
        (committed.attemptTxIds as string[]).length,
        2,
        'the lost attempt and the new one',
      );
    });
  });

  describe('reading the status of an unknown request', function () {
    let third: Database | undefined;
    after(async function () {
      await third?.stop();
    });

    it('asks the ledger at once, without waiting for a reconciliation round', async function () {
      third = await startPostgres(`${dir}/c`);
      // The reconciler's rounds are an hour apart and only look at requests idle for an hour.
      const { base } = await start(third, {
        RECONCILE_INTERVAL_MS: '3600000',
        RECONCILE_GRACE_MS: '3600000',
      });
      const answer = await call(
        base,
        'POST',
        TX_PATH,
        apiKey,
        transfer(LATE_COMMIT_AMOUNT, { requestId: 'late-read-1' }),
      );
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      assert.equal((await statusOf(base, apiKey, 'late-read-1')).status, 'unknown');
      const settled = await eventually('late-read-1 committed on read', async () => {
        const record = await statusOf(base, apiKey, 'late-read-1');
        return record.status === 'committed' ? record : undefined;
      });
      assert.equal(settled.txId, answer.body.txId);
    });
  });

  describe('an async request Kafka did not acknowledge', function () {
    let own: TestKafka | undefined;
    after(async function () {
      await own?.stop();
    });

    it('stays stored as queued, so an identical retry that got through is never orphaned', async function () {
      own = await startKafka(`${dir}/own-kafka`);
      const { base } = await start(database!, { KAFKA_BROKERS: own.brokers.join(',') });
      await own.stop();
      const body = transfer('1', { requestId: 'no-ack-1', mode: 'async' });
      const refused = await call(base, 'POST', TX_PATH, apiKey, body);
      assert.equal(refused.status, 503, JSON.stringify(refused.body));
      assert.equal((refused.body.error as { code: string }).code, 'QUEUE_UNAVAILABLE');
      const kept = await statusOf(base, apiKey, 'no-ack-1');
      // queued, or already committed where another DAPP on this store queued it again
      assert.ok(
        kept.status === 'queued' || kept.status === 'committed',
        `kept for a retry and the reconciler: ${JSON.stringify(kept)}`,
      );
    });
  });

  describe('a sync request that only met outages', function () {
    it('is not kept as failed: the caller is told to retry, and a retry under its id is sent', async function () {
      const { base, stub } = await start(database!);
      const body = transfer(UNREACHABLE_AMOUNT, { requestId: 'outage-1' });
      const first = await call(base, 'POST', TX_PATH, apiKey, body);
      assert.equal(first.status, 503, JSON.stringify(first.body));
      const status = await call(base, 'GET', '/v1/requests/outage-1', apiKey);
      assert.equal(
        status.status,
        404,
        'nothing of it was accepted: ' + JSON.stringify(status.body),
      );
      const sent = stub.calls.length;
      const retry = await call(base, 'POST', TX_PATH, apiKey, body);
      assert.equal(retry.status, 503, 'sent again, not 409: ' + JSON.stringify(retry.body));
      assert.ok(stub.calls.length > sent, 'the retry reached Fabric');
    });
  });

  describe('a restarted DAPP', function () {
    it('settles what a crash left between accepting and recording, from the ledger', async function () {
      const url = other!.connectionString;
      await migrate({ connectionString: url });
      const store = new RequestStore({ connectionString: url });
      const ledger = new StubLedgerSubmitter(url, undefined);
      await ledger.init();
      const sync = (id: string): NewRequest => ({
        requestId: `tester:${id}`,
        mode: 'sync',
        status: 'submitted',
        channel: CHANNEL,
        chaincode: CHAINCODE,
        function: 'TokenContract:Transfer',
      });
      const committedTx = 'e'.repeat(64);
      const absentTx = 'f'.repeat(64);
      try {
        // Accepted, then the process died: before sending, after a commit, with a send unanswered.
        await store.create(sync('crash-unsent'));
        await store.create(sync('crash-committed'));
        await store.recordAttempt('tester:crash-committed', committedTx);
        await ledger.pool.query(
          `INSERT INTO stub_ledger (request_id, tx_id, function_name) VALUES ($1, $2, $3)`,
          ['tester:crash-committed', committedTx, 'TokenContract:Transfer'],
        );
        await store.create(sync('crash-in-doubt'));
        await store.recordAttempt('tester:crash-in-doubt', absentTx);
        // As the front door now accepts a sync request: with the call kept, so it can be resumed.
        const kept: QueuedRequest = {
          requestId: 'tester:crash-unsent-kept',
          caller: 'tester',
          channel: CHANNEL,
          chaincode: CHAINCODE,
          transactionName: 'TokenContract:Transfer',
          function: 'Transfer',
          args: ['acct-a', 'acct-b', '5'],
          partitionKey: 'tester:crash-unsent-kept',
          acceptedAt: new Date().toISOString(),
        };
        const content = {
          channel: kept.channel,
          chaincode: kept.chaincode,
          transactionName: kept.transactionName,
          args: kept.args,
          identity: undefined,
          transient: {},
        };
        await store.create(
          {
            ...sync('crash-unsent-kept'),
            requestHash: new TransientVault(undefined).requestHash(content),
          },
          undefined,
          kept,
        );
      } finally {
        await store.close();
        ledger.close();
      }
      await new Promise((resolve) => setTimeout(resolve, 600));
      const { base, stub } = await start(other!);
      const committed = await eventually('crash-committed settled', async () => {
        const record = await statusOf(base, apiKey, 'crash-committed');
        return record.status === 'committed' ? record : undefined;
      });
      assert.equal(committed.txId, committedTx);
      const unsent = await statusOf(base, apiKey, 'crash-unsent');
      assert.equal(unsent.status, 'failed', 'no attempt was ever sent');
      assert.equal((unsent.reason as { code: string }).code, 'NOT_SUBMITTED');
      const resumed = await eventually('crash-unsent-kept resumed', async () => {
        const record = await statusOf(base, apiKey, 'crash-unsent-kept');
        return record.status === 'committed' ? record : undefined;
      });
      const onLedger = await stub.pool.query(
        `SELECT tx_id FROM stub_ledger WHERE request_id = 'tester:crash-unsent-kept'`,
      );
      assert.deepEqual(
        onLedger.rows.map((row: { tx_id: string }) => row.tx_id),
        [resumed.txId],
        'a sync request whose call was kept is sent again after the crash, and commits once',
      );
      const inDoubt = await statusOf(base, apiKey, 'crash-in-doubt');
      assert.equal(inDoubt.status, 'unknown', 'sent and not on the ledger: it may still commit');
      const metrics = await (await fetch(`${base}/metrics`)).text();
      assert.match(metrics, /dapp_reconciled_total\{resolution="committed"\} [1-9]/);
      assert.match(metrics, /dapp_reconciled_total\{resolution="failed"\} [1-9]/);
      assert.match(metrics, /dapp_requests_unfinished\{mode="sync",status="unknown"\} [1-9]/);
    });
  });

  describe('an async request that no worker ever received', function () {
    let fourth: Database | undefined;
    after(async function () {
      await fourth?.stop();
    });

    it('is queued again by the reconciler from its stored message, and commits once', async function () {
      fourth = await startPostgres(`${dir}/d`);
      // Accepted into a topic no worker reads: as if the front door stopped before publishing
      // it, or Kafka lost it. Only the reconciler's copy can reach the worker started next.
      const front = await start(fourth, {
        DAPP_IN_PROCESS_WORKER: 'false',
        KAFKA_TOPIC: 'dapp.tx.requests.unread',
      });
      const answer = await call(
        front.base,
        'POST',
        TX_PATH,
        apiKey,
        transfer('1', { requestId: 'never-taken-1', mode: 'async' }),
      );
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      assert.equal((await statusOf(front.base, apiKey, 'never-taken-1')).status, 'queued');
      await front.service.stop();

      const { base, stub } = await start(fourth);
      const committed = await eventually('never-taken-1 committed', async () => {
        const record = await statusOf(base, apiKey, 'never-taken-1');
        return record.status === 'committed' ? record : undefined;
      });
      assert.match(String(committed.txId), /^[0-9a-f]{64}$/);
      const { rows } = await stub.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM stub_ledger WHERE request_id = $1',
        ['tester:never-taken-1'],
      );
      assert.equal(rows[0]!.n, 1);
    });
  });

  describe('two DAPPs with their own Postgres on one Kafka', function () {
    it('each processes exactly the requests it accepted', async function () {
      // Same topics and the same configured group id, as `dapp/README.md` starts a second DAPP.
      const bases = [(await start(database!)).base, (await start(other!)).base];
      const COUNT = 8;
      for (const [index, base] of bases.entries()) {
        for (let number = 0; number < COUNT; number += 1) {
          const answer = await call(
            base,
            'POST',
            TX_PATH,
            apiKey,
            transfer('1', {
              requestId: `steal-${index}-${number}`,
              mode: 'async',
              key: `k${number}`,
            }),
          );
          assert.equal(answer.status, 202, JSON.stringify(answer.body));
        }
      }
      for (const [index, base] of bases.entries()) {
        await eventually(`DAPP ${index} committed its own requests`, async () => {
          const records = await Promise.all(
            Array.from({ length: COUNT }, (_, number) =>
              statusOf(base, apiKey, `steal-${index}-${number}`),
            ),
          );
          return records.every((record) => record.status === 'committed') ? true : undefined;
        });
      }
      for (const [index, db] of [database!, other!].entries()) {
        await migrate({ connectionString: db.connectionString });
        const store = new RequestStore({ connectionString: db.connectionString });
        try {
          for (let number = 0; number < COUNT; number += 1) {
            const foreign = await store.get(`tester:steal-${1 - index}-${number}`);
            assert.equal(foreign, undefined, `DAPP ${index} never recorded the other's request`);
          }
        } finally {
          await store.close();
        }
      }
    });
  });
});
