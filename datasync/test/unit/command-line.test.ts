// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { captureOutput } from '@consortia/common/testing';

import type { Commands, VerifyOptions } from '../../src/index';
import { commandLine, main } from '../../src/index';

/** Runs argv with stub commands; what they were given, the exit code and what was printed. */
async function parse(argv: string[]) {
  const calls: { command: string; options?: VerifyOptions }[] = [];
  const commands: Commands = {
    run: async () => void calls.push({ command: 'run' }),
    verify: async (options) => {
      calls.push({ command: 'verify', options });
      return 0;
    },
    migrate: async () => {
      calls.push({ command: 'migrate' });
      return 0;
    },
  };
  const { result: code, text: printed } = await captureOutput(() =>
    commandLine(commands).run(argv, 'run'),
  );
  return { code, calls, printed };
}

describe('datasync command line', function () {
  it('runs the mirror when no command is named', async function () {
    assert.deepEqual((await parse([])).calls, [{ command: 'run' }]);
    assert.deepEqual((await parse(['run'])).calls, [{ command: 'run' }]);
  });

  it('parses verify options, repeatable --channel included', async function () {
    const { code, calls } = await parse([
      'verify',
      '--offline',
      '--channel',
      'a',
      '--channel',
      'b',
      '--sample',
      '7',
      '--catch-up',
      '3',
    ]);
    assert.equal(code, 0);
    assert.deepEqual(calls, [
      {
        command: 'verify',
        options: { offline: true, channel: ['a', 'b'], sample: 7, catchUp: 3 },
      },
    ]);
    assert.deepEqual((await parse(['verify'])).calls[0]?.options, {
      offline: false,
      channel: [],
      catchUp: 15,
    });
  });

  it('refuses wrong flags, bad values and unknown commands with the reason and status 2', async function () {
    for (const [argv, reason] of [
      [['verify', '--sample', 'x'], /--sample <n>.*expected a whole number/],
      [['verify', '--channel'], /argument missing/],
      [['verify', '--fast'], /unknown option '--fast'/],
      [['--port', '80'], /unknown option '--port'/],
      [['run', 'extra'], /too many arguments/],
      [['explode'], /unknown command 'explode'/],
    ] as const) {
      const { code, calls, printed } = await parse([...argv]);
      assert.equal(code, 2, argv.join(' '));
      assert.deepEqual(calls, [], `${argv.join(' ')} runs nothing`);
      assert.match(printed, reason);
      assert.match(printed, /run datasync --help for usage/);
    }
  });

  it('prints help for the program and each command without starting anything', async function () {
    const program = await parse(['--help']);
    assert.deepEqual([program.code, program.calls], [0, []]);
    assert.match(program.printed, /Usage: datasync \[options\] \[command\]/);
    assert.match(program.printed, /verify/);
    assert.match(program.printed, /FABRIC_CHANNELS/);
    const verify = await parse(['verify', '--help']);
    assert.deepEqual([verify.code, verify.calls], [0, []]);
    assert.match(verify.printed, /--offline/);
    assert.match(verify.printed, /Exit code: 0 when clean/);
    for (const argv of [
      ['run', '--help'],
      ['migrate', '-h'],
    ]) {
      const help = await parse(argv);
      assert.deepEqual([help.code, help.calls], [0, []]);
    }
  });

  it('main is the same command line', async function () {
    assert.equal((await captureOutput(() => main(['--help']))).result, 0);
  });
});
