// SPDX-License-Identifier: Apache-2.0
// The reconciler's rules, with an in-memory store and ledger standing in for Postgres and Fabric
// (unit test; the real-Postgres and real-network cases are in the integration suite).
import assert from 'node:assert/strict';

import { createLogger } from '@consortia/common';

import type { LedgerTransactionStatus, Submitter } from '../../src/fabric/submitter';
import type { QueuePublisher } from '../../src/queue/kafka';
import { Reconciler } from '../../src/reconcile/reconciler';
import type { SyncRequestResumer } from '../../src/reconcile/resume';
import type { Outcome, RequestRecord, RequestStore } from '../../src/store/request-store';

const tx = (digit: string) => digit.repeat(64);

function record(overrides: Partial<RequestRecord> & { queuedMessage?: unknown }) {
  return {
    requestId: 'c:r',
    mode: 'sync' as const,
    status: 'submitted' as const,
    channel: 'consortium',
    chaincode: 'consortia',
    function: 'TokenContract:Transfer',
    attempts: 1,
    attemptTxIds: [],
    createdAt: new Date(0).toISOString(),
    updatedAt: new Date(0).toISOString(),
    ...overrides,
  } as RequestRecord & { queuedMessage?: unknown };
}

/** `ledger` undefined: every lookup fails (no peer answers). */
function harness(
  request: RequestRecord | RequestRecord[],
  ledger?: Record<string, LedgerTransactionStatus>,
  resumed?: unknown[],
  kafka?: QueuePublisher,
) {
  const written: Outcome[] = [];
  const unknown: string[] = [];
  const published: unknown[] = [];
  const store = {
    unresolved: async () => (Array.isArray(request) ? request : [request]),
    recordOutcome: async (_request: unknown, outcome: Outcome) => {
      written.push(outcome);
      return true;
    },
    recordUnknown: async (requestId: string) => {
      unknown.push(requestId);
    },
    touch: async () => undefined,
  } as unknown as RequestStore;
  const submitter = {
    transactionStatus: async (_channel: string, txId: string) => {
      if (!ledger) throw new Error('no peer answered');
      return ledger[txId];
    },
  } as unknown as Submitter;
  const publisher =
    kafka ??
    ({
      publishRequest: async (message: unknown) => {
        published.push(message);
      },
      publishResult: async () => undefined,
    } as unknown as QueuePublisher);
  const reconciler = new Reconciler({
    store,
    submitter,
    publisher,
    intervalMs: 1_000,
    idleMs: 0,
    commitTimeoutMs: 60_000,
    ...(resumed
      ? {
          resumer: {
            resume: async (_record: unknown, call: unknown) => {
              resumed.push(call);
              return 'committed' as const;
            },
          } as unknown as SyncRequestResumer,
        }
      : {}),
    logger: createLogger('reconciler-test', 'silent'),
  });
  return { reconciler, written, unknown, published };
}

const invalid = (txId: string): LedgerTransactionStatus => ({
  txId,
  valid: false,
  validationCode: 'MVCC_READ_CONFLICT',
  blockNumber: '4',
});

describe('reconciler rules', function () {
  it('fails a sync request only when the ledger invalidated every attempt', async function () {
    const all = harness(record({ attemptTxIds: [tx('a'), tx('b')] }), {
      [tx('a')]: invalid(tx('a')),
      [tx('b')]: invalid(tx('b')),
    });
    assert.equal((await all.reconciler.runOnce()).get('c:r'), 'failed');
    assert.equal(all.written[0]?.reason?.code, 'MVCC_READ_CONFLICT');

    const one = harness(record({ attemptTxIds: [tx('a'), tx('b')] }), {
      [tx('a')]: invalid(tx('a')),
    });
    assert.equal((await one.reconciler.runOnce()).get('c:r'), 'unknown');
    assert.deepEqual(one.written, [], 'an attempt the ledger does not show may still commit');
    assert.deepEqual(one.unknown, ['c:r']);
  });

  it('leaves a request alone when the ledger cannot be asked', async function () {
    const { reconciler, written } = harness(record({ attemptTxIds: [tx('a')] }));
    assert.equal((await reconciler.runOnce()).get('c:r'), 'unanswered');
    assert.deepEqual(written, []);
  });

  it('queues an async request in doubt again only once the commit timeout has passed', async function () {
    const message = { requestId: 'c:r' };
    const recent = harness(
      record({
        mode: 'async',
        status: 'unknown',
        attemptTxIds: [tx('a')],
        lastSentAt: new Date().toISOString(),
        queuedMessage: message,
      }),
      {},
    );
    assert.equal((await recent.reconciler.runOnce()).get('c:r'), 'unknown');
    assert.deepEqual(recent.published, []);

    const old = harness(
      record({
        mode: 'async',
        status: 'unknown',
        attemptTxIds: [tx('a')],
        lastSentAt: new Date(Date.now() - 120_000).toISOString(),
        queuedMessage: message,
      }),
      {},
    );
    assert.equal((await old.reconciler.runOnce()).get('c:r'), 'republished');
    assert.deepEqual(old.published, [message]);
  });

  it('queues again an async request that no worker took within the grace', async function () {
    const message = { requestId: 'c:r' };
    const { reconciler, published, written } = harness(
      record({ mode: 'async', status: 'queued', queuedMessage: message }),
      {},
    );
    assert.equal((await reconciler.runOnce()).get('c:r'), 'republished');
    assert.deepEqual(published, [message]);
    assert.deepEqual(written, []);
  });

  it('settles an attempt valid on the ledger at once, before the grace has passed', async function () {
    const request = record({ mode: 'async', attemptTxIds: [tx('a')] });
    const written: Outcome[] = [];
    const reconciler = new Reconciler({
      // Within the grace: only a lookup of every unfinished request (idle 0) finds it.
      store: {
        unresolved: async (idleMs: number) => (idleMs > 0 ? [] : [request]),
        recordOutcome: async (_request: unknown, outcome: Outcome) => {
          written.push(outcome);
          return true;
        },
        touch: async () => undefined,
      } as unknown as RequestStore,
      submitter: {
        transactionStatus: async (_channel: string, txId: string) =>
          txId === tx('a')
            ? { txId, valid: true, validationCode: 'VALID', blockNumber: '5' }
            : undefined,
      } as unknown as Submitter,
      publisher: { publishResult: async () => undefined } as unknown as QueuePublisher,
      intervalMs: 1_000,
      idleMs: 45_000,
      commitTimeoutMs: 60_000,
      logger: createLogger('reconciler-test', 'silent'),
    });
    assert.equal((await reconciler.runOnce()).get('c:r'), 'committed');
    assert.equal(written[0]?.status, 'committed');
    assert.equal(written[0]?.txId, tx('a'));
  });

  it('records the valid attempt as committed, whatever the others say', async function () {
    const { reconciler, written } = harness(record({ attemptTxIds: [tx('a'), tx('b')] }), {
      [tx('a')]: invalid(tx('a')),
      [tx('b')]: { txId: tx('b'), valid: true, validationCode: 'VALID', blockNumber: '9' },
    });
    assert.equal((await reconciler.runOnce()).get('c:r'), 'committed');
    assert.equal(written[0]?.status, 'committed');
    assert.equal(written[0]?.txId, tx('b'));
  });

  it('sends again a sync request its front door dropped, from the call kept with it', async function () {
    const call = { requestId: 'c:r' };
    const resumed: unknown[] = [];
    const unsent = harness(record({ queuedMessage: call }), {}, resumed);
    assert.equal((await unsent.reconciler.runOnce()).get('c:r'), 'committed');
    assert.deepEqual(resumed, [call], 'never sent: sent now, under the same request id');
    assert.deepEqual(unsent.written, [], 'not failed as NOT_SUBMITTED');

    const recentResumes: unknown[] = [];
    const recent = harness(
      record({
        queuedMessage: call,
        attemptTxIds: [tx('a')],
        lastSentAt: new Date().toISOString(),
      }),
      {},
      recentResumes,
    );
    assert.equal((await recent.reconciler.runOnce()).get('c:r'), 'unknown');
    assert.deepEqual(recentResumes, [], 'an attempt that may still commit is waited for');

    const lateResumes: unknown[] = [];
    const late = harness(
      record({
        queuedMessage: call,
        attemptTxIds: [tx('a')],
        lastSentAt: new Date(Date.now() - 120_000).toISOString(),
      }),
      {},
      lateResumes,
    );
    assert.equal((await late.reconciler.runOnce()).get('c:r'), 'committed');
    assert.deepEqual(lateResumes, [call]);
  });

  it('fails a dropped sync request whose call was not kept, as never sent', async function () {
    const { reconciler, written } = harness(record({}), {}, []);
    assert.equal((await reconciler.runOnce()).get('c:r'), 'failed');
    assert.equal(written[0]?.reason?.code, 'NOT_SUBMITTED');
  });

  it('tries Kafka once a round while it is down, and still settles the requests that need no Kafka', async function () {
    // a broker that does not answer takes its client's whole retry time per call: one such call
    // per queued request would hold the round, and the sync requests behind them, for minutes
    const queued = [1, 2, 3].map((n) =>
      record({
        requestId: `c:a${n}`,
        mode: 'async',
        status: 'queued',
        queuedMessage: { requestId: `c:a${n}` },
      }),
    );
    const dropped = record({ requestId: 'c:s', queuedMessage: { requestId: 'c:s' } });
    const resumed: unknown[] = [];
    let publishCalls = 0;
    const brokerDown = {
      publishRequest: async () => {
        publishCalls += 1;
        throw new Error('Connection error: connect ECONNREFUSED');
      },
      publishResult: async () => undefined,
    } as unknown as QueuePublisher;
    const { reconciler } = harness([...queued, dropped], {}, resumed, brokerDown);
    const results = await reconciler.runOnce();
    assert.equal(publishCalls, 1, 'one attempt at Kafka in the round');
    assert.deepEqual(
      queued.map((request) => results.get(request.requestId)),
      ['unanswered', 'waiting', 'waiting'],
    );
    assert.equal(results.get('c:s'), 'committed');
    assert.deepEqual(resumed, [{ requestId: 'c:s' }]);
    await reconciler.runOnce();
    assert.equal(publishCalls, 2, 'the next round tries Kafka again');
  });
});
