#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
import {
  CommandLine,
  createLogger,
  InvalidArgumentError,
  runMain,
  serveUntilSignalled,
  USAGE_ERROR,
} from '@consortia/common';

import { generatePassword, hashPassword, passwordProblem } from './auth/passwords';
import { SERVICE_NAME, readConfig, readStoreConfig } from './config';
import { startService } from './service';
import { openOwnDatabase } from './store/connection';
import { migrate } from './store/migrate';
import { openStore } from './store/store';
import { DuplicateUserError } from './store/users';

// Programmatic use (embedding the app-api, or running it in tests and benchmarks).
export type { AppApiConfig } from './config';
export type { RunningService } from './service';
export { openApiDocument } from './http/openapi';
export { readConfig, SERVICE_NAME, startService };

const FOOTER = `migrate and create-admin need only the database variables (DATABASE_URL, or PGHOST, PGPORT,
PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE (DB_* still work), or the embedded APP_API_DATA_DIR and
APP_API_EMBEDDED_PG_PORT). serve also needs MIRROR_DATABASE_URL (or MIRROR_PG*), DAPP_URL,
DAPP_API_KEY and APP_API_JWT_SECRET. Every variable is described in app-api/README.md.`;

const USERNAME_RULE = '3-64 of a-z, 0-9, ., _ and -, starting with a letter or digit';

/** A user name as create-admin takes it: lower-cased, by the rule every user name follows. */
function username(value: string): string {
  const name = value.toLowerCase();
  if (!/^[a-z0-9][a-z0-9._-]{2,63}$/.test(name)) throw new InvalidArgumentError(USERNAME_RULE);
  return name;
}

interface CreateAdminOptions {
  username: string;
  passwordStdin: boolean;
  identity?: string;
  displayName?: string;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  // Only the line ending that `echo` or a file adds is dropped; the rest is the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function migrateCommand(): Promise<number> {
  const config = readStoreConfig();
  const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
  const { connection, database } = await openOwnDatabase(config, logger);
  try {
    const applied = await migrate(connection, logger);
    process.stdout.write(
      applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n',
    );
  } finally {
    await database?.stop();
  }
  return 0;
}

async function createAdminCommand(options: CreateAdminOptions): Promise<number> {
  const { username } = options;
  const fromStdin = options.passwordStdin;
  const password = fromStdin ? await readStdin() : generatePassword();
  const problem = passwordProblem(password, username);
  if (problem) {
    process.stderr.write(`the password ${problem}\n`);
    return USAGE_ERROR;
  }
  const config = readStoreConfig();
  const logger = createLogger(
    SERVICE_NAME,
    config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL,
  );
  const store = await openStore(config, logger);
  try {
    await store.users.create({
      username,
      passwordHash: await hashPassword(password, config.APP_API_PASSWORD_COST),
      roles: ['admin'],
      fabricIdentity: options.identity ?? null,
      displayName: options.displayName ?? null,
      createdBy: 'create-admin',
    });
  } catch (error) {
    if (error instanceof DuplicateUserError) {
      process.stderr.write(`${error.message}; nothing changed\n`);
      return 1;
    }
    throw error;
  } finally {
    await store.close();
  }
  process.stdout.write(`created administrator '${username}'\n`);
  if (!fromStdin) {
    process.stdout.write(
      `password (shown once; change it with POST /v1/me/password): ${password}\n`,
    );
  }
  return 0;
}

async function serve(): Promise<number> {
  const config = readConfig();
  await serveUntilSignalled({
    service: SERVICE_NAME,
    logLevel: config.LOG_LEVEL,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    start: (logger) => startService(config, logger),
  });
  return 0;
}

/** The app-api's command line; `serve` when no command is named. */
export function commandLine(): CommandLine {
  const cli = new CommandLine({
    name: 'app-api',
    description: `The Consortia app-api: the API of an organization's web and mobile portals. Users, roles and
access control; reads from the ledger mirror (datasync's Postgres); writes through the DAPP.`,
    footer: FOOTER,
  });
  cli.command('serve', 'run the HTTP API (default)', serve);
  cli.command(
    'migrate',
    "apply pending migrations to the app-api's own database and exit",
    migrateCommand,
  );
  cli
    .command<CreateAdminOptions>(
      'create-admin',
      'create an administrator; the password is read from standard input with --password-stdin, otherwise a random one is generated and printed once',
      createAdminCommand,
    )
    .requiredOption(
      '--username <name>',
      `the administrator's user name (${USERNAME_RULE})`,
      username,
    )
    .option('--password-stdin', 'read the password from standard input', false)
    .option('--identity <fabric-identity>', 'the Fabric identity the administrator writes as')
    .option('--display-name <text>', 'the name shown for the administrator');
  return cli;
}

export function main(argv: readonly string[]): Promise<number | undefined> {
  return commandLine().run(argv, 'serve');
}

if (require.main === module) void runMain(main, process.argv.slice(2), { stackTraces: true });
