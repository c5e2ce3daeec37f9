// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { gracefulShutdown, runShutdownSteps, stopOnce } from '../../src/lifecycle/shutdown';
import { createLogger } from '../../src/logging/logger';

const silent = createLogger('test', 'silent');

describe('graceful shutdown', function () {
  it('runs every step in order once, and exits 0', async function () {
    const order: string[] = [];
    let code: number | undefined;
    const shutdown = gracefulShutdown(
      silent,
      ['stop accepting', 'drain', 'close'].map((name) => ({
        name,
        run: async () => void order.push(name),
      })),
      { exit: (value) => (code = value), signals: [] },
    );
    await Promise.all([shutdown('SIGTERM'), shutdown('SIGTERM')]);
    assert.deepEqual(order, ['stop accepting', 'drain', 'close']);
    assert.equal(code, 0);
  });

  it('still runs later steps after a failing one, and exits 1', async function () {
    const order: string[] = [];
    let code: number | undefined;
    await gracefulShutdown(
      silent,
      [
        { name: 'a', run: async () => Promise.reject(new Error('boom')) },
        { name: 'b', run: async () => void order.push('b') },
      ],
      { exit: (value) => (code = value), signals: [] },
    )('test');
    assert.deepEqual(order, ['b']);
    assert.equal(code, 1);
  });

  it('exits 1 when the steps overrun the deadline', async function () {
    const codes: number[] = [];
    void gracefulShutdown(silent, [{ name: 'stuck', run: () => new Promise(() => undefined) }], {
      timeoutMs: 20,
      exit: (value) => codes.push(value),
      signals: [],
    })('test');
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(codes, [1]);
  });

  it('a repeated signal neither kills the process nor runs the steps again', async function () {
    const order: string[] = [];
    let code: number | undefined;
    let release: () => void = () => undefined;
    const listeners = process.listenerCount('SIGUSR2');
    gracefulShutdown(
      silent,
      [
        { name: 'slow', run: () => new Promise<void>((resolve) => (release = resolve)) },
        { name: 'close', run: async () => void order.push('close') },
      ],
      { exit: (value) => (code = value), signals: ['SIGUSR2'] },
    );
    try {
      // a terminal's Ctrl-C, then the same signal forwarded by a parent
      process.kill(process.pid, 'SIGUSR2');
      await new Promise((resolve) => setTimeout(resolve, 50));
      process.kill(process.pid, 'SIGUSR2');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(code, undefined, 'still shutting down');
      release();
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(order, ['close']);
      assert.equal(code, 0);
    } finally {
      for (const listener of process.listeners('SIGUSR2').slice(listeners)) {
        process.removeListener('SIGUSR2', listener);
      }
    }
  });

  it('runShutdownSteps goes on after a failing step and reports the failure', async function () {
    const order: string[] = [];
    const steps = [
      { name: 'a', run: async () => void order.push('a') },
      { name: 'b', run: async () => Promise.reject(new Error('boom')) },
      { name: 'c', run: async () => void order.push('c') },
    ];
    assert.equal(await runShutdownSteps(silent, steps), false);
    assert.deepEqual(order, ['a', 'c']);
    assert.equal(await runShutdownSteps(silent, steps.slice(0, 1)), true);
  });

  it('stopOnce runs the steps on the first call only, and every caller waits for that run', async function () {
    let runs = 0;
    let release: () => void = () => undefined;
    const stop = stopOnce(silent, [
      {
        name: 'slow',
        run: () =>
          new Promise<void>((resolve) => {
            runs += 1;
            release = resolve;
          }),
      },
      { name: 'failing', run: async () => Promise.reject(new Error('boom')) },
    ]);
    const first = stop();
    const second = stop();
    assert.equal(first, second);
    release();
    await first;
    await stop();
    assert.equal(runs, 1);
  });
});
