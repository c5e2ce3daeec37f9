// SPDX-License-Identifier: Apache-2.0
// The DAPP's request latency by mode: an async request's counts from its acceptance (the time it
// waited in the queue included), a sync request's from its submission.
import assert from 'node:assert/strict';

import { DappMetrics } from '../../src/metrics';
import { OutcomeRecorder } from '../../src/queue/outcome-recorder';
import type { SubmitOutcome } from '../../src/queue/retry';
import type { NewRequest, RequestStore } from '../../src/store/request-store';

const committed = {
  status: 'committed',
  transaction: { txId: 'a'.repeat(64), validationCode: 'VALID', blockNumber: 7n, result: '' },
  duplicate: false,
  attempts: 1,
} as unknown as SubmitOutcome;

const request = (mode: 'sync' | 'async'): NewRequest => ({
  requestId: `r-${mode}`,
  mode,
  channel: 'consortium',
  chaincode: 'consortia',
  function: 'TokenContract:Transfer',
  status: 'queued',
  partitionKey: 'p',
});

async function observed(
  metrics: DappMetrics,
): Promise<Map<string, { sum: number; count: number }>> {
  const found = new Map<string, { sum: number; count: number }>();
  for (const value of (await metrics.requestDuration.get()).values) {
    const key = `${String(value.labels.mode)}/${String(value.labels.status)}`;
    const entry = found.get(key) ?? { sum: 0, count: 0 };
    if (value.metricName === 'dapp_request_duration_seconds_sum') entry.sum = value.value;
    if (value.metricName === 'dapp_request_duration_seconds_count') entry.count = value.value;
    found.set(key, entry);
  }
  return found;
}

describe('DAPP request duration by mode', function () {
  it('counts an async request from its acceptance and a sync one from its submission', async function () {
    const metrics = new DappMetrics(async () => 0);
    const store = { recordOutcome: async () => true } as unknown as RequestStore;
    const recorder = new OutcomeRecorder(store, metrics);
    await recorder.record(committed, {
      request: request('async'),
      unsent: 'fail',
      startedAt: process.hrtime.bigint(),
      acceptedAt: Date.now() - 30_000,
    });
    await recorder.record(committed, {
      request: request('sync'),
      unsent: 'discard',
      startedAt: process.hrtime.bigint(),
    });
    const found = await observed(metrics);
    const queued = found.get('async/committed');
    assert.equal(queued?.count, 1);
    assert.ok(queued.sum >= 30 && queued.sum < 35, String(queued.sum));
    const direct = found.get('sync/committed');
    assert.equal(direct?.count, 1);
    assert.ok(direct.sum < 5, String(direct.sum));
  });

  it('counts a message whose acceptance time does not parse from its submission', async function () {
    const metrics = new DappMetrics(async () => 0);
    const store = { recordOutcome: async () => true } as unknown as RequestStore;
    await new OutcomeRecorder(store, metrics).record(committed, {
      request: request('async'),
      unsent: 'fail',
      startedAt: process.hrtime.bigint(),
      acceptedAt: Date.parse('not a date'),
    });
    const found = await observed(metrics);
    assert.equal(found.get('async/committed')?.count, 1);
    assert.ok((found.get('async/committed')?.sum ?? 99) < 5);
  });
});
