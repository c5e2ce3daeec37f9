// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { everyInterval } from '../../src/lifecycle/rounds';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('everyInterval', function () {
  it('never runs two rounds at once, however slow a round is', async function () {
    let active = 0;
    let most = 0;
    let rounds = 0;
    const schedule = everyInterval({
      intervalMs: 5,
      round: async () => {
        active += 1;
        most = Math.max(most, active);
        rounds += 1;
        await sleep(30);
        active -= 1;
      },
      onError: () => assert.fail('no round fails'),
    });
    await sleep(100);
    await schedule.stop();
    assert.equal(most, 1);
    assert.ok(rounds >= 2, `${rounds} rounds`);
  });

  it('reports a failed round and keeps the schedule', async function () {
    const errors: unknown[] = [];
    let rounds = 0;
    const schedule = everyInterval({
      intervalMs: 5,
      round: () => {
        rounds += 1;
        return Promise.reject(new Error(`round ${rounds}`));
      },
      onError: (error) => errors.push(error),
    });
    await sleep(60);
    await schedule.stop();
    assert.ok(errors.length >= 2);
    assert.equal(errors.length, rounds);
  });

  it('runs the first round at once when asked, and stop waits for a round in progress', async function () {
    let finished = false;
    let started = false;
    const schedule = everyInterval({
      intervalMs: 60_000,
      round: async () => {
        started = true;
        await sleep(40);
        finished = true;
      },
      onError: () => undefined,
      immediately: true,
    });
    assert.equal(started, true);
    await schedule.stop();
    assert.equal(finished, true);
  });
});
