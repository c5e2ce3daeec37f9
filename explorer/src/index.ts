#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
/**
 * explorer: a web UI over datasync's Postgres mirror of the ledger and the peers' operations
 * endpoints. Subcommands: `serve` (default), `hash-password`, `session-secret`.
 */
import crypto from 'node:crypto';

import { CommandLine, runMain, serveUntilSignalled, USAGE_ERROR } from '@consortia/common';

import { CONFIG_VARIABLES, readConfig, SERVICE_NAME } from './config';
import { hashPassword, verifyPassword } from './http/password';
import { startService } from './service';

// Programmatic use (embedding the explorer, or running it in another workspace's tests).
export type * from './http/api-types';
export type { ExplorerConfig } from './config';
export type { RunningService } from './service';
export { hashPassword, readConfig, SERVICE_NAME, startService, verifyPassword };

/** Reads a password from a pipe, or asks for it on a terminal without echoing it. */
async function readPassword(input: NodeJS.ReadStream, prompt: NodeJS.WriteStream): Promise<string> {
  if (!input.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of input) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  prompt.write('Operator password: ');
  input.setRawMode(true);
  input.resume();
  let typed = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      const onData = (data: Buffer) => {
        for (const character of data.toString('utf8')) {
          if (character === '\r' || character === '\n') {
            input.off('data', onData);
            resolve(typed);
            return;
          }
          if (character === '\u0003') {
            input.off('data', onData);
            reject(new Error('cancelled'));
            return;
          }
          typed = character === '\u007f' ? typed.slice(0, -1) : typed + character;
        }
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
    prompt.write('\n');
  }
}

async function hashPasswordCommand(options: { password?: string }): Promise<number> {
  const password = options.password ?? (await readPassword(process.stdin, process.stderr));
  if (password.length < 12) {
    process.stderr.write('the password must be at least 12 characters long\n');
    return USAGE_ERROR;
  }
  process.stdout.write(`${await hashPassword(password)}\n`);
  return 0;
}

async function serve(): Promise<undefined> {
  const config = readConfig();
  const explorer = await serveUntilSignalled({
    service: SERVICE_NAME,
    logLevel: config.logLevel,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    start: (logger) => startService(config, logger),
  });
  // the one line a person starting it by hand looks for, also when logs are JSON
  process.stdout.write(`explorer: ${explorer.url}\n`);
  return undefined;
}

/** The explorer's command line; `serve` when no command is named. */
export function commandLine(): CommandLine {
  const cli = new CommandLine({
    name: 'explorer',
    description: `A web UI over the ledger mirror that datasync writes to Postgres, and over the peers' and
orderers' operations endpoints.`,
    footer: `Login: set EXPLORER_OPERATOR_USER, EXPLORER_OPERATOR_PASSWORD_HASH and EXPLORER_SESSION_SECRET,
or EXPLORER_DEMO_MODE=true for read-only access without login (demonstrations only).

Configuration comes from environment variables: ${CONFIG_VARIABLES.join(', ')}.
See explorer/README.md for defaults and meaning.`,
  });
  cli.command('serve', 'serve the explorer on HOST:PORT and print its URL (default)', serve);
  cli
    .command<{ password?: string }>(
      'hash-password',
      'print the EXPLORER_OPERATOR_PASSWORD_HASH value for a password',
      hashPasswordCommand,
    )
    .option(
      '--password <password>',
      'the password (at least 12 characters); else read from standard input, or typed at a prompt',
    );
  cli.command('session-secret', 'print a random EXPLORER_SESSION_SECRET', () => {
    process.stdout.write(`${crypto.randomBytes(48).toString('base64url')}\n`);
    return 0;
  });
  return cli;
}

export function main(argv: readonly string[]): Promise<number | undefined> {
  return commandLine().run(argv, 'serve');
}

if (require.main === module) void runMain(main);
