// SPDX-License-Identifier: Apache-2.0
// Unfinished requests are counted by mode as well as status: an async request in doubt goes back
// through Kafka, a sync one is resumed directly, and a migration off Kafka waits for the first
// kind only.
import assert from 'node:assert/strict';

import { DappMetrics } from '../../src/metrics';

describe('DAPP unfinished request gauges', function () {
  it('count by mode and status, zero for every combination the store has none of', async function () {
    const metrics = new DappMetrics(
      async () => 7,
      async () => [
        { mode: 'sync', status: 'unknown', count: 5, stuck: 1 },
        { mode: 'async', status: 'unknown', count: 2, stuck: 0 },
      ],
    );
    const text = await metrics.registry.metrics();
    assert.match(text, /^dapp_requests_unfinished\{mode="sync",status="unknown"\} 5$/m);
    assert.match(text, /^dapp_requests_unfinished\{mode="async",status="unknown"\} 2$/m);
    assert.match(text, /^dapp_requests_unfinished\{mode="async",status="queued"\} 0$/m);
    assert.match(text, /^dapp_requests_stuck\{mode="sync",status="unknown"\} 1$/m);
  });
});
