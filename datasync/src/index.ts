#!/usr/bin/env node
/**
 * datasync: mirrors each channel's ledger into Postgres. Subcommands: `run` (default),
 * `verify` and `migrate`; each takes `--help`.
 */
import { createLogger, gracefulShutdown, runMain, wantsHelp } from '@consortia/common';

import { CONFIG_VARIABLES, loadDatasyncConfig } from './config';
import { gatewaySource, startService } from './service';
import { mirroredChannels } from './store/consistency';
import { migrate } from './store/migrate';
import { connectMirror } from './verify/connect';
import { formatReport, verifyMirror } from './verify/verify';

// Programmatic use (embedding datasync, or running it in another workspace's tests).
export type { DatasyncConfig } from './config';
export type { BlockSource, SourcedBlock } from './source/block-source';
export type { RunningService } from './service';
export { loadDatasyncConfig, startService };

const USAGE = `Usage: datasync [command] [options]

Commands:
  run       mirror every configured channel into Postgres and publish ledger events (default)
  verify    compare the mirror with the ledger and report differences
  migrate   apply pending database migrations and exit

Options:
  --help    show help for a command

Configuration comes from environment variables: ${CONFIG_VARIABLES.join(', ')}.
See datasync/README.md for defaults and meaning.`;

const VERIFY_USAGE = `Usage: datasync verify [--offline] [--channel NAME]... [--sample N] [--catch-up S]

Checks every mirrored block's hash, previous-hash link, data hash, tx count and tx ids against
the peer, and the world state of a random sample of keys against the transactions that set them.
A mirror behind the ledger is a difference (after S seconds to catch up, for a running datasync).
It always checks the mirror's internal consistency (hash chain, tx counts, world state).
It reads the mirror at DATABASE_URL, else the embedded server a running datasync serves from
DATASYNC_DATA_DIR, else starts that embedded server for the check.

Options:
  --offline       only the internal consistency checks; the peer is not contacted
  --channel NAME  verify this channel (repeatable; default: the configured channels and every
                  mirrored one)
  --sample N      number of world-state keys to check (default: VERIFY_SAMPLE_SIZE, 50)
  --catch-up S    seconds a mirror behind the ledger may take to catch up (default: 15)

Exit code: 0 when clean, 1 when differences were found, 2 when verification could not run.`;

const MIGRATE_USAGE = `Usage: datasync migrate

Applies pending migrations (datasync/migrations) to the configured database and exits; like
verify, it uses the embedded server a running datasync serves when there is one.`;

const RUN_USAGE = `Usage: datasync run

Follows every channel in FABRIC_CHANNELS (or FABRIC_CHANNEL) from its checkpoint, serves
/healthz, /readyz and /metrics on PORT, and stops cleanly on SIGTERM or SIGINT.`;

interface VerifyArguments {
  offline: boolean;
  channels: string[];
  sample?: number;
  catchUpSeconds: number;
}

export function parseVerifyArguments(args: readonly string[]): VerifyArguments {
  const parsed: VerifyArguments = { offline: false, channels: [], catchUpSeconds: 15 };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === '--offline') parsed.offline = true;
    else if (arg === '--channel' && args[index + 1]) parsed.channels.push(String(args[++index]));
    else if (arg === '--sample' && /^\d+$/.test(args[index + 1] ?? ''))
      parsed.sample = Number(args[++index]);
    else if (arg === '--catch-up' && /^\d+$/.test(args[index + 1] ?? ''))
      parsed.catchUpSeconds = Number(args[++index]);
    else throw new Error(`unknown or incomplete option '${arg}'\n\n${VERIFY_USAGE}`);
  }
  return parsed;
}

async function runVerify(args: readonly string[]): Promise<number> {
  const options = parseVerifyArguments(args);
  const config = loadDatasyncConfig();
  const logger = createLogger('datasync', config.logLevel === 'info' ? 'warn' : config.logLevel);
  const mirror = await connectMirror(config, logger);
  const ledger = options.offline ? undefined : gatewaySource(config);
  try {
    const channels =
      options.channels.length > 0
        ? options.channels
        : [...new Set([...config.channels, ...(await mirroredChannels(mirror.pool))])];
    const report = await verifyMirror({
      pool: mirror.pool,
      ledger,
      channels,
      sampleSize: options.sample ?? config.verifySampleSize,
      catchUpMs: options.catchUpSeconds * 1000,
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
  return error === undefined ? 'failed without saying why' : String(error);
}

async function runMigrate(): Promise<number> {
  const config = loadDatasyncConfig();
  const logger = createLogger('datasync', config.logLevel);
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

async function runService(): Promise<void> {
  const config = loadDatasyncConfig();
  const logger = createLogger('datasync', config.logLevel);
  const service = await startService(config, logger);
  gracefulShutdown(logger, service.stopSteps);
}

function printHelp(text: string): number {
  console.log(text);
  return 0;
}

export async function main(argv: readonly string[]): Promise<number | undefined> {
  const [first, ...rest] = argv;
  const implicitRun = first === undefined || first.startsWith('-');
  const command = implicitRun ? 'run' : first;
  const args = implicitRun ? argv : rest;
  const help = wantsHelp(args);
  switch (command) {
    case 'run':
      if (help) return printHelp(implicitRun ? USAGE : RUN_USAGE);
      if (args.length > 0) throw new Error(`unknown option '${args[0]}'\n\n${RUN_USAGE}`);
      await runService();
      return undefined;
    case 'verify':
      if (help) return printHelp(VERIFY_USAGE);
      return runVerify(args);
    case 'migrate':
      if (help) return printHelp(MIGRATE_USAGE);
      return runMigrate();
    default:
      throw new Error(`unknown command '${command}'\n\n${USAGE}`);
  }
}

if (require.main === module) void runMain(main, process.argv.slice(2), { failureCode: 2 });
