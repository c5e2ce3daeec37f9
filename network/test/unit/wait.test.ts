// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { UserError } from '../../src/errors';
import { StopWaiting, waitFor } from '../../src/process/wait';

describe('waiting on a condition', function () {
  it('retries through failures until the condition holds', async function () {
    let calls = 0;
    await waitFor(
      'three tries',
      async () => {
        calls++;
        if (calls < 3) throw new UserError('not yet');
        return true;
      },
      { timeoutMs: 5000, intervalMs: 10 },
    );
    assert.equal(calls, 3);
  });

  it('gives up at once when the probe says StopWaiting', async function () {
    let calls = 0;
    const started = Date.now();
    await assert.rejects(
      waitFor(
        'a process',
        async () => {
          calls++;
          throw new StopWaiting('it exited');
        },
        { timeoutMs: 5000, intervalMs: 10 },
      ),
      /it exited/,
    );
    assert.equal(calls, 1);
    assert.ok(Date.now() - started < 1000);
  });

  it('times out naming what it waited for, with the extra detail', async function () {
    await assert.rejects(
      waitFor('the peer', async () => false, {
        timeoutMs: 50,
        intervalMs: 10,
        onTimeout: () => 'log tail',
      }),
      (error: unknown) =>
        error instanceof UserError &&
        /timed out after 0 s waiting for the peer\nlog tail/.test(error.message),
    );
  });
});
