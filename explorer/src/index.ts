#!/usr/bin/env node
/**
 * explorer: a web UI over datasync's Postgres mirror of the ledger and the peers' operations
 * endpoints. Subcommands: `serve` (default), `hash-password`, `session-secret`.
 */
import crypto from 'node:crypto';

import { createLogger, gracefulShutdown, optionValue, runMain, wantsHelp } from '@consortia/common';

import { CONFIG_VARIABLES, loadExplorerConfig, SERVICE_NAME } from './config';
import { hashPassword, verifyPassword } from './http/password';
import { startExplorer } from './service';

// Programmatic use (embedding the explorer, or running it in another workspace's tests).
export type * from './http/api-types';
export type { ExplorerConfig } from './config';
export type { RunningExplorer } from './service';
export { hashPassword, loadExplorerConfig, startExplorer, verifyPassword };

const USAGE = `Usage: explorer [command] [options]

A web UI over the ledger mirror that datasync writes to Postgres, and over the peers' and
orderers' operations endpoints.

Commands:
  serve              serve the explorer on HOST:PORT and print its URL (default)
  hash-password      print the EXPLORER_OPERATOR_PASSWORD_HASH value for a password, read
                     from --password P, from standard input, or typed at a prompt
  session-secret     print a random EXPLORER_SESSION_SECRET

Options:
  -h, --help         show this help

Login: set EXPLORER_OPERATOR_USER, EXPLORER_OPERATOR_PASSWORD_HASH and EXPLORER_SESSION_SECRET,
or EXPLORER_DEMO_MODE=true for read-only access without login (demonstrations only).

Configuration comes from environment variables: ${CONFIG_VARIABLES.join(', ')}.
See explorer/README.md for defaults and meaning.`;

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

async function hashPasswordCommand(args: readonly string[]): Promise<number> {
  const password =
    optionValue(args, '--password') ?? (await readPassword(process.stdin, process.stderr));
  if (password.length < 12) {
    process.stderr.write('the password must be at least 12 characters long\n');
    return 2;
  }
  process.stdout.write(`${await hashPassword(password)}\n`);
  return 0;
}

async function serve(): Promise<void> {
  const config = loadExplorerConfig();
  const logger = createLogger(SERVICE_NAME, config.logLevel);
  const explorer = await startExplorer(config, logger);
  // the one line a person starting it by hand looks for, also when logs are JSON
  process.stdout.write(`explorer: ${explorer.url}\n`);
  gracefulShutdown(logger, explorer.shutdownSteps, { timeoutMs: config.shutdownTimeoutMs });
}

export async function main(argv: readonly string[]): Promise<number | undefined> {
  const [command = 'serve', ...rest] = argv;
  if (wantsHelp(argv)) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  switch (command) {
    case 'serve':
      if (rest.length > 0) throw new Error(`unknown option '${rest[0]}'\n\n${USAGE}`);
      await serve();
      return undefined;
    case 'hash-password':
      return hashPasswordCommand(rest);
    case 'session-secret':
      process.stdout.write(`${crypto.randomBytes(48).toString('base64url')}\n`);
      return 0;
    default:
      process.stderr.write(`unknown command '${command}'\n\n${USAGE}\n`);
      return 2;
  }
}

if (require.main === module) void runMain(main);
