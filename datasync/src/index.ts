#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
/**
 * datasync: mirrors each channel's ledger into Postgres. Subcommands: `run` (default),
 * `verify` and `migrate`; each takes `--help`.
 */
import {
  CommandLine,
  createLogger,
  integerOption,
  repeatedOption,
  runMain,
  serveUntilSignalled,
} from '@consortia/common';

import { CONFIG_VARIABLES, readConfig, SERVICE_NAME } from './config';
import { gatewaySource, startService } from './service';
import { mirroredChannels } from './store/consistency';
import { migrate } from './store/migrate';
import { connectMirror } from './verify/connect';
import { formatReport, verifyMirror } from './verify/verify';

// Programmatic use (embedding datasync, or running it in another workspace's tests).
export type { DatasyncConfig } from './config';
export type { BlockSource, SourcedBlock } from './source/block-source';
export type { RunningService } from './service';
export { readConfig, SERVICE_NAME, startService };

export interface VerifyOptions {
  offline: boolean;
  channel: string[];
  sample?: number;
  catchUp: number;
}

async function runVerify(options: VerifyOptions): Promise<number> {
  const config = readConfig();
  const logger = createLogger(SERVICE_NAME, config.logLevel === 'info' ? 'warn' : config.logLevel);
  const mirror = await connectMirror(config, logger);
  const ledger = options.offline ? undefined : gatewaySource(config);
  try {
    const channels =
      options.channel.length > 0
        ? options.channel
        : [...new Set([...config.channels, ...(await mirroredChannels(mirror.pool))])];
    const report = await verifyMirror({
      pool: mirror.pool,
      ledger,
      channels,
      sampleSize: options.sample ?? config.verifySampleSize,
      catchUpMs: options.catchUp * 1000,
      logger,
    });
    console.log(formatReport(report));
    return report.clean ? 0 : 1;
  } catch (error) {
    throw new Error(`verify could not finish (mirror: ${mirror.where}): ${describeError(error)}`, {
      cause: error,
    });
  } finally {
    await ledger?.close();
    await mirror.close();
  }
}

/** The cause of a failure in words, also for what is thrown without a message. */
function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(describeError).join('; ');
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = error.message || error.name;
    return code && !message.includes(code) ? `${message} (${code})` : message;
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- whatever was thrown, shown as text
  return error === undefined ? 'failed without saying why' : String(error);
}

async function runMigrate(): Promise<number> {
  const config = readConfig();
  const logger = createLogger(SERVICE_NAME, config.logLevel);
  const mirror = await connectMirror(config, logger);
  try {
    await migrate(mirror.connectionString, logger);
  } catch (error) {
    throw new Error(`migrate failed (database: ${mirror.where}): ${describeError(error)}`, {
      cause: error,
    });
  } finally {
    await mirror.close();
  }
  return 0;
}

async function run(): Promise<undefined> {
  const config = readConfig();
  await serveUntilSignalled({
    service: SERVICE_NAME,
    logLevel: config.logLevel,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    start: (logger) => startService(config, logger),
  });
  return undefined;
}

export interface Commands {
  run: () => Promise<number | undefined>;
  verify: (options: VerifyOptions) => Promise<number>;
  migrate: () => Promise<number>;
}

const COMMANDS: Commands = { run, verify: runVerify, migrate: runMigrate };

/** datasync's command line (`run` when no command is named); tests hand in their own actions. */
export function commandLine(commands: Commands = COMMANDS): CommandLine {
  const cli = new CommandLine({
    name: 'datasync',
    description: "Mirrors each channel's ledger into Postgres, exactly once and in order.",
    footer: `Configuration comes from environment variables: ${CONFIG_VARIABLES.join(', ')}.
See datasync/README.md for defaults and meaning.`,
  });
  cli
    .command(
      'run',
      'mirror every configured channel into Postgres and publish ledger events (default)',
      () => commands.run(),
    )
    .addHelpText(
      'after',
      `
Follows every channel in FABRIC_CHANNELS (or FABRIC_CHANNEL) from its checkpoint, serves
/healthz, /readyz and /metrics on HOST:PORT, and stops cleanly on SIGTERM or SIGINT.`,
    );
  cli
    .command<VerifyOptions>(
      'verify',
      'compare the mirror with the ledger and report differences',
      (options) => commands.verify(options),
    )
    .option('--offline', 'only the internal consistency checks; the peer is not contacted', false)
    .option(
      '--channel <name>',
      'verify this channel (repeatable; default: the configured channels and every mirrored one)',
      repeatedOption,
      [],
    )
    .option(
      '--sample <n>',
      'number of world-state keys to check (default: VERIFY_SAMPLE_SIZE, 50)',
      integerOption(1),
    )
    .option(
      '--catch-up <seconds>',
      'seconds a mirror behind the ledger may take to catch up',
      integerOption(0),
      15,
    )
    .addHelpText(
      'after',
      `
Checks every mirrored block's hash, previous-hash link, data hash, tx count and tx ids against
the peer, and the world state of a random sample of keys against the transactions that set them.
A mirror behind the ledger is a difference (after --catch-up seconds, for a running datasync).
It always checks the mirror's internal consistency (hash chain, tx counts, world state).
It reads the mirror at DATABASE_URL, else the embedded server a running datasync serves from
DATASYNC_DATA_DIR, else starts that embedded server for the check.

Exit code: 0 when clean, 1 when differences were found, 2 when verification could not run.`,
    );
  cli.command('migrate', 'apply pending database migrations and exit', runMigrate).addHelpText(
    'after',
    `
Applies pending migrations (datasync/migrations) to the configured database and exits; like
verify, it uses the embedded server a running datasync serves when there is one.`,
  );
  return cli;
}

export function main(argv: readonly string[]): Promise<number | undefined> {
  return commandLine().run(argv, 'run');
}

if (require.main === module) void runMain(main, process.argv.slice(2), { failureCode: 2 });
