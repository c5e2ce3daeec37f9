// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { CommandLine, integerOption, repeatedOption, USAGE_ERROR } from '../../src/lifecycle/cli';
import { captureOutput } from '../../src/testing';

/** Runs argv through a small command line; the exit code, the actions run and what was printed. */
async function run(argv: string[]) {
  const ran: unknown[] = [];
  const cli = new CommandLine({
    name: 'svc',
    description: 'a service',
    footer: 'See svc/README.md.',
  });
  cli.command('serve', 'serve (default)', () => {
    ran.push('serve');
    return undefined;
  });
  cli
    .command<{ count: number; tag: string[] }>('count', 'counts', (options) => {
      ran.push(options);
      return options.count === 0 ? 1 : 0;
    })
    .requiredOption('--count <n>', 'how many', integerOption(0))
    .option('--tag <tag>', 'a tag (repeatable)', repeatedOption, []);
  const { result: code, text: printed } = await captureOutput(() => cli.run(argv, 'serve'));
  return { code, ran, printed };
}

describe('CommandLine', function () {
  it('runs the default command without one named, and passes an action its exit code', async function () {
    assert.deepEqual(await run([]), { code: undefined, ran: ['serve'], printed: '' });
    const counted = await run(['count', '--count', '0', '--tag', 'a', '--tag', 'b']);
    assert.deepEqual([counted.code, counted.ran], [1, [{ count: 0, tag: ['a', 'b'] }]]);
  });

  it('shows help with the footer, for the program and for a command, and exits 0', async function () {
    const program = await run(['--help']);
    assert.deepEqual([program.code, program.ran], [0, []]);
    assert.match(program.printed, /Usage: svc \[options\] \[command\][\s\S]*See svc\/README\.md\./);
    const command = await run(['count', '-h']);
    assert.deepEqual([command.code, command.ran], [0, []]);
    assert.match(command.printed, /--count <n>/);
  });

  it('refuses unknown commands and options, missing and bad values with status 2', async function () {
    for (const [argv, reason] of [
      [['launch'], /unknown command 'launch'/],
      [['--verbose'], /unknown option '--verbose'/],
      [['count'], /required option '--count <n>' not specified/],
      [['count', '--count', '-1'], /expected a whole number of at least 0/],
      [['serve', 'now'], /too many arguments/],
    ] as const) {
      const outcome = await run([...argv]);
      assert.equal(outcome.code, USAGE_ERROR, argv.join(' '));
      assert.deepEqual(outcome.ran, [], argv.join(' '));
      assert.match(outcome.printed, reason);
      assert.match(outcome.printed, /run svc --help for usage/);
    }
  });
});
