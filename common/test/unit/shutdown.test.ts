import assert from 'node:assert/strict';

import { gracefulShutdown } from '../../src/lifecycle/shutdown';
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
});
