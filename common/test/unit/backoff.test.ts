// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { Backoff, backoffDelay } from '../../src/backoff';

describe('backoff', function () {
  it('doubles from the first delay up to the largest', function () {
    const bounds = { minMs: 500, maxMs: 3_000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((attempt) => backoffDelay(bounds, attempt)),
      [500, 1_000, 2_000, 3_000, 3_000],
    );
    assert.equal(backoffDelay(bounds, 0), 500);
  });

  it('with full jitter waits a random share of the ceiling', function () {
    const bounds = { minMs: 100, maxMs: 10_000 };
    assert.equal(
      backoffDelay(bounds, 3, () => 0.5),
      200,
    );
    assert.equal(
      backoffDelay(bounds, 3, () => 0),
      0,
    );
  });

  it('grows with each failure of a loop and starts again after a success', function () {
    const backoff = new Backoff({ minMs: 500, maxMs: 1_500 });
    assert.equal(backoff.delayMs, 500);
    assert.deepEqual([backoff.failed(), backoff.failed(), backoff.failed()], [500, 1_000, 1_500]);
    assert.equal(backoff.delayMs, 1_500);
    backoff.succeeded();
    assert.equal(backoff.failed(), 500);
  });
});
