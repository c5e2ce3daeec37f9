// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { ConfigError } from '../../src/config/env';
import { runMain } from '../../src/lifecycle/main';

async function outcome(
  main: () => Promise<number | undefined>,
  options: { failureCode?: number; stackTraces?: boolean } = {},
): Promise<{ codes: number[]; written: string }> {
  const codes: number[] = [];
  let written = '';
  await runMain(main, [], {
    ...options,
    exit: (code) => void codes.push(code),
    writeError: (text) => void (written += text),
  });
  return { codes, written };
}

describe('runMain', function () {
  it('passes the arguments and exits explicitly with a non-zero code only', async function () {
    let seen: string[] = [];
    await runMain(
      async (argv) => {
        seen = argv;
        return 0;
      },
      ['serve', '--help'],
      { exit: () => assert.fail('exit 0 must be left to the event loop') },
    );
    assert.deepEqual(seen, ['serve', '--help']);
    assert.deepEqual(await outcome(async () => undefined), { codes: [], written: '' });
    assert.deepEqual(await outcome(async () => 3), { codes: [3], written: '' });
  });

  it('prints a configuration error as its message and exits with the failure code', async function () {
    const failing = async () => Promise.reject(new ConfigError('svc', ['PORT: too big']));
    const { codes, written } = await outcome(failing, { failureCode: 2, stackTraces: true });
    assert.deepEqual(codes, [2]);
    assert.equal(written, 'svc: invalid configuration\n  - PORT: too big\n');
  });

  it('prints an unexpected error with its stack only when asked, and exits 1', async function () {
    const failing = async () => Promise.reject(new Error('boom'));
    assert.deepEqual(await outcome(failing), { codes: [1], written: 'boom\n' });
    const traced = await outcome(failing, { stackTraces: true });
    assert.deepEqual(traced.codes, [1]);
    assert.match(traced.written, /^Error: boom\n\s+at /);
    // a rejection that is not an Error is what this case is about
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    assert.deepEqual(await outcome(async () => Promise.reject('plain')), {
      codes: [1],
      written: 'plain\n',
    });
  });
});
