// SPDX-License-Identifier: Apache-2.0
// Recording what one submission came to, as the sync front door, the queue worker and the
// resumer do, with an in-memory store that keeps the request store's rules (final states written
// once). The real-Postgres cases are in test/integration/request-outcomes.test.ts.
import assert from 'node:assert/strict';

import { DappMetrics } from '../../src/metrics';
import type { RequestResult } from '../../src/queue/messages';
import type { SubmittedRequest } from '../../src/queue/outcome-recorder';
import { OutcomeRecorder } from '../../src/queue/outcome-recorder';
import type { SubmitOutcome } from '../../src/queue/retry';
import type {
  FailureReason,
  NewRequest,
  Outcome,
  RequestRecord,
  RequestStore,
} from '../../src/store/request-store';
import { isFinished } from '../../src/store/request-store';
import { chaincodeRefusal, peerUnavailable } from '../support/failures';

const tx = (digit: string) => digit.repeat(64);

/** Keeps the request store's rules: a final state is never changed, unknown only if not final. */
class MemoryStore {
  readonly rows = new Map<string, RequestRecord>();
  readonly touched: string[] = [];

  add(request: NewRequest, attempts = 0): void {
    const now = new Date(0).toISOString();
    this.rows.set(request.requestId, {
      ...request,
      caller: 'c',
      attempts,
      attemptTxIds: [],
      createdAt: now,
      updatedAt: now,
    });
  }

  async get(requestId: string): Promise<RequestRecord | undefined> {
    return this.rows.get(requestId);
  }

  async recordAttempt(requestId: string, txId: string): Promise<void> {
    const row = this.rows.get(requestId);
    if (!row || isFinished(row.status)) throw new Error('already final');
    row.attemptTxIds.push(txId);
  }

  async recordOutcome(request: NewRequest, outcome: Outcome): Promise<boolean> {
    const row = this.rows.get(request.requestId);
    if (row && isFinished(row.status)) return false;
    this.add(request);
    Object.assign(this.rows.get(request.requestId) as RequestRecord, outcome, {
      attempts: Math.max(row?.attempts ?? 0, outcome.attempts),
      attemptTxIds: row?.attemptTxIds ?? [],
    });
    return true;
  }

  async recordUnknown(
    requestId: string,
    details: { reason: FailureReason; attempts: number; queuedMessage?: unknown },
  ): Promise<void> {
    const row = this.rows.get(requestId);
    if (!row || isFinished(row.status)) return;
    Object.assign(row, details, { status: 'unknown' });
  }

  async discardUnsent(requestId: string): Promise<void> {
    const row = this.rows.get(requestId);
    if (row?.mode === 'sync' && row.status === 'submitted') this.rows.delete(requestId);
  }

  async touch(requestId: string): Promise<void> {
    this.touched.push(requestId);
  }
}

function harness(mode: 'sync' | 'async') {
  const store = new MemoryStore();
  const metrics = new DappMetrics(async () => 0);
  const recorder = new OutcomeRecorder(store as unknown as RequestStore, metrics);
  const request: NewRequest = {
    requestId: `c:${mode}`,
    mode,
    status: 'submitted',
    channel: 'consortium',
    chaincode: 'consortia',
    function: 'TokenContract:Transfer',
    correlationId: 'corr-1',
  };
  store.add(request);
  const published: RequestResult[] = [];
  const deadLettered: FailureReason[] = [];
  // What the queue worker passes; the front door and the resumer publish nothing.
  const asAsync: SubmittedRequest = {
    request,
    unsent: 'fail',
    queuedMessage: { requestId: request.requestId },
    results: {
      publishResult: async (result) => {
        published.push(result);
      },
      deadLetter: async (reason) => {
        deadLettered.push(reason);
      },
    },
  };
  const asSync: SubmittedRequest = { request, unsent: 'discard' };
  const counted = async (status: string) =>
    (await metrics.outcomes.get()).values.find(
      (value) => value.labels.mode === mode && value.labels.status === status,
    )?.value ?? 0;
  const row = () => store.rows.get(request.requestId);
  return {
    store,
    metrics,
    recorder,
    request,
    published,
    deadLettered,
    asAsync,
    asSync,
    counted,
    row,
  };
}

const committed = (txId = tx('a')): SubmitOutcome => ({
  status: 'committed',
  transaction: { txId, validationCode: 'VALID', blockNumber: '7', result: { ok: true } },
  attempts: 1,
  duplicate: false,
});
const outagesOnly = (): SubmitOutcome => ({
  status: 'failed',
  failure: peerUnavailable(),
  attempts: 3,
  exhausted: true,
});
const refused = (): SubmitOutcome => ({
  status: 'failed',
  failure: chaincodeRefusal(),
  attempts: 1,
  exhausted: false,
});

describe('OutcomeRecorder', function () {
  it('stores each attempt before it is ordered', async function () {
    const { recorder, request, row } = harness('sync');
    await recorder.beforeOrdering(request.requestId)(tx('1'));
    assert.deepEqual(row()?.attemptTxIds, [tx('1')]);
  });

  it('writes committed once: a later failed outcome neither overwrites it nor is reported', async function () {
    const { recorder, asAsync, published, deadLettered, row, counted } = harness('async');
    const first = await recorder.record(committed(), asAsync);
    assert.equal(first.status, 'committed');
    assert.equal(first.status === 'committed' && first.written, true);
    assert.equal(row()?.status, 'committed');
    assert.equal(row()?.txId, tx('a'));
    assert.deepEqual(published, [
      {
        requestId: 'c:async',
        status: 'committed',
        txId: tx('a'),
        validationCode: 'VALID',
        blockNumber: '7',
        result: { ok: true },
        attempts: 1,
        correlationId: 'corr-1',
      },
    ]);

    const later = await recorder.record(outagesOnly(), asAsync);
    // What the caller and the log are told is the stored commit, not this attempt's failure.
    assert.equal(later.status, 'committed', JSON.stringify(later));
    assert.equal(later.status === 'committed' && later.written, false);
    assert.equal(later.status === 'committed' && later.transaction.txId, tx('a'));
    assert.equal(later.status === 'committed' && later.transaction.blockNumber, '7');
    assert.equal(row()?.status, 'committed');
    assert.equal(row()?.txId, tx('a'));
    // The stored truth is published again, and nothing is dead-lettered.
    assert.equal(published.length, 2);
    assert.equal(published[1]?.status, 'committed');
    assert.equal(published[1]?.txId, tx('a'));
    assert.deepEqual(deadLettered, []);
    assert.equal(await counted('committed'), 1);
  });

  it('keeps an outcome in doubt unknown, with its transactions, until the ledger settles it', async function () {
    const sync = harness('sync');
    const doubt: SubmitOutcome = {
      status: 'unknown',
      failure: peerUnavailable(),
      attempts: 2,
      txIds: [tx('1'), tx('2')],
    };
    const recorded = await sync.recorder.record(doubt, { ...sync.asSync, priorAttempts: 1 });
    assert.deepEqual(recorded, {
      status: 'unknown',
      failure: doubt.failure,
      txIds: [tx('1'), tx('2')],
      attempts: 3,
    });
    const row = sync.row() as RequestRecord & { queuedMessage?: unknown };
    assert.equal(row.status, 'unknown');
    assert.equal(row.attempts, 3);
    assert.equal(row.reason?.code, 'OUTCOME_UNKNOWN');
    assert.deepEqual((row.reason?.details as { txIds: string[] }).txIds, [tx('1'), tx('2')]);
    assert.equal('queuedMessage' in row, false);

    const async = harness('async');
    await async.recorder.record(doubt, async.asAsync);
    const asyncRow = async.row() as RequestRecord & { queuedMessage?: unknown };
    assert.equal(asyncRow.status, 'unknown');
    // Kept so the reconciler can queue it again if nothing commits; no result, no dead letter.
    assert.deepEqual(asyncRow.queuedMessage, { requestId: 'c:async' });
    assert.deepEqual(async.published, []);
    assert.deepEqual(async.deadLettered, []);
    assert.equal(await async.counted('unknown'), 1);
  });

  it('records a refusal by the chaincode failed, and never dead-letters it', async function () {
    const sync = harness('sync');
    const recorded = await sync.recorder.record(refused(), sync.asSync);
    assert.equal(recorded.status, 'failed');
    assert.equal(sync.row()?.status, 'failed');
    assert.deepEqual(
      { code: sync.row()?.reason?.code, retriesExhausted: sync.row()?.reason?.retriesExhausted },
      { code: 'INSUFFICIENT_FUNDS', retriesExhausted: false },
    );

    const async = harness('async');
    await async.recorder.record(refused(), async.asAsync);
    assert.equal(async.row()?.status, 'failed');
    // Published on the results topic, and not dead-lettered: retrying would not change it.
    assert.deepEqual(
      async.published.map((result) => [result.status, result.reason?.code]),
      [['failed', 'INSUFFICIENT_FUNDS']],
    );
    assert.deepEqual(
      { deadLettered: async.deadLettered, counted: await async.counted('failed') },
      { deadLettered: [], counted: 1 },
    );
  });

  it('forgets a sync request that met outages only, or keeps it for the next round', async function () {
    const front = harness('sync');
    const recorded = await front.recorder.record(outagesOnly(), front.asSync);
    assert.equal(recorded.status, 'unsent');
    assert.equal(recorded.status === 'unsent' && recorded.failure.code, 'PEER_UNAVAILABLE');
    // Never failed: a retry under the same id is sent afresh.
    assert.equal(front.row(), undefined);

    const resumer = harness('sync');
    const resumed = await resumer.recorder.record(outagesOnly(), {
      request: resumer.request,
      unsent: 'keep',
      priorAttempts: 2,
    });
    assert.equal(resumed.status, 'unsent');
    assert.equal(resumer.row()?.status, 'submitted');
    assert.deepEqual(resumer.store.touched, ['c:sync']);
  });

  it('fails an async request whose retries ran out on outages, and dead-letters it', async function () {
    const { recorder, asAsync, published, deadLettered, row, metrics } = harness('async');
    const recorded = await recorder.record(outagesOnly(), {
      ...asAsync,
      startedAt: process.hrtime.bigint(),
    });
    assert.equal(recorded.status === 'failed' && recorded.written, true);
    assert.equal(row()?.status, 'failed');
    assert.equal(row()?.attempts, 3);
    const reason = {
      ...peerUnavailable().toJSON(),
      retriesExhausted: true,
    };
    assert.deepEqual(row()?.reason, reason);
    assert.deepEqual(published, [
      {
        requestId: 'c:async',
        status: 'failed',
        reason,
        attempts: 3,
        correlationId: 'corr-1',
      },
    ]);
    assert.deepEqual(deadLettered, [reason]);
    const durations = (await metrics.fabricDuration.get()).values.filter(
      (value) => value.metricName?.endsWith('_count') && value.labels.outcome === 'failed',
    );
    assert.equal(durations[0]?.value, 1);
  });
});
