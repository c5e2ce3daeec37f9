// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { createLogger } from '@consortia/common';
import { Registry } from 'prom-client';

import { EventMetrics } from '../../src/events/metrics';
import type { SubscriptionStore } from '../../src/events/store';
import type { Post, PostOutcome } from '../../src/events/webhook';
import { WebhookDelivery } from '../../src/events/webhook';
import { FakeSource, fakeStore, row, SUBSCRIPTION } from '../support/events-fakes';

const OPTIONS = {
  maxAttempts: 3,
  backoffMs: 20,
  maxBackoffMs: 80,
  timeoutMs: 100,
  scanMs: 10_000,
  leaseMs: 3_000,
  allowHttp: false,
  addresses: { allowPrivate: false, allowedHosts: [] },
};

/** Delivers with `post` until the subscription is parked (or 5 s pass). */
async function deliverUntilParked(post: Post) {
  const source = new FakeSource();
  source.rows = [row(1, 0), row(1, 1), row(2, 0), row(3, 0)];
  const store = fakeStore(SUBSCRIPTION);
  const registry = new Registry();
  const metrics = new EventMetrics(registry);
  const delivery = new WebhookDelivery(
    store as unknown as SubscriptionStore,
    source,
    createLogger('unit', 'silent'),
    'me',
    OPTIONS,
    post,
    metrics,
  );
  delivery.start();
  const deadline = Date.now() + 5_000;
  while (!store.calls.some((call) => call.startsWith('state parked')) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10));
  await delivery.stop();
  source.close();
  const value = async (name: string, labels: Record<string, string>) =>
    (await registry.getSingleMetric(name)?.get())?.values.find((sample) =>
      Object.entries(labels).every(([key, label]) => sample.labels[key] === label),
    )?.value ?? 0;
  return { calls: store.calls, value };
}

describe('webhook delivery', function () {
  it('retries a failing receiver with backoff, advances on success, parks after the last attempt, and counts it all', async function () {
    const outcomes: PostOutcome[] = [
      { ok: false, error: 'HTTP 500: no' },
      { ok: true },
      { ok: false, error: 'HTTP 502: a' },
      { ok: false, error: 'HTTP 502: b' },
      { ok: false, error: 'HTTP 502: c' },
    ];
    const posted: { id: string; at: number }[] = [];
    const { calls, value } = await deliverUntilParked(async (_url, _secret, body, id) => {
      posted.push({ id, at: Date.now() });
      JSON.parse(body);
      return outcomes.shift() ?? { ok: true };
    });
    assert.deepEqual(calls, [
      'error attempt 1/3: HTTP 500: no',
      'advance 2.0 +3',
      'error attempt 1/3: HTTP 502: a',
      'error attempt 2/3: HTTP 502: b',
      'error attempt 3/3: HTTP 502: c',
      'state parked WEBHOOK_FAILED',
    ]);
    assert.equal(posted[0]?.id, posted[1]?.id, 'a retried batch keeps its id');
    // The shared backoff: 20 ms after a batch's first failure, 40 after its second (timers
    // may fire a millisecond early by the wall clock).
    const gaps = posted.slice(1).map((post, i) => post.at - (posted[i]?.at ?? 0));
    assert.ok((gaps[2] ?? 0) >= 19 && (gaps[3] ?? 0) >= 39, `gaps ${gaps.join(', ')}`);
    const webhook = { transport: 'webhook' };
    assert.equal(await value('app_api_events_delivered_total', webhook), 3);
    assert.equal(await value('app_api_events_batches_failed_total', webhook), 4);
    assert.equal(await value('app_api_events_batches_retried_total', webhook), 3);
    assert.equal(
      await value('app_api_events_subscriptions_parked_total', { reason: 'WEBHOOK_FAILED' }),
      1,
    );
  });

  it('parks at once, with the reason, a receiver whose address is refused', async function () {
    let posts = 0;
    const { calls, value } = await deliverUntilParked(async () => {
      posts++;
      return { ok: false, refused: true, error: 'the webhook receiver … is a private address' };
    });
    assert.equal(posts, 1, 'no retry');
    assert.deepEqual(calls, [
      'error the webhook receiver … is a private address',
      'state parked WEBHOOK_ADDRESS_REFUSED',
    ]);
    assert.equal(
      await value('app_api_events_subscriptions_parked_total', {
        reason: 'WEBHOOK_ADDRESS_REFUSED',
      }),
      1,
    );
  });
});
