#!/usr/bin/env node
import { createLogger, gracefulShutdown, optionValue, runMain, wantsHelp } from '@consortia/common';

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
export { readConfig, startService };

const USAGE = `Usage: node dist/index.js [command] [options]

The Consortia app-api: the API of an organization's web and mobile portals. Users, roles and
access control; reads from the ledger mirror (datasync's Postgres); writes through the DAPP.

Commands:
  serve                 run the HTTP API (default)
  migrate               apply pending migrations to the app-api's own database and exit
  create-admin --username NAME [--password-stdin] [--identity FABRIC_IDENTITY] [--display-name TEXT]
                        create an administrator; the password is read from standard input with
                        --password-stdin, otherwise a random one is generated and printed once

Options:
  -h, --help            show this help (also after a command)

migrate and create-admin need only the database variables (DATABASE_URL, or DB_HOST, DB_PORT,
DB_NAME, DB_USER, DB_PASSWORD, DB_SSL_MODE, or the embedded APP_API_DATA_DIR and
APP_API_EMBEDDED_PG_PORT). serve also needs MIRROR_DATABASE_URL (or MIRROR_DB_*), DAPP_URL,
DAPP_API_KEY and APP_API_JWT_SECRET. Every variable is described in app-api/README.md.`;

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

async function migrateCommand(): Promise<void> {
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
}

async function createAdminCommand(args: string[]): Promise<number> {
  const username = optionValue(args, '--username')?.toLowerCase();
  if (!username || !/^[a-z0-9][a-z0-9._-]{2,63}$/.test(username)) {
    process.stderr.write(
      'create-admin needs --username NAME (3-64 of a-z, 0-9, ., _ and -, starting with a letter or digit)\n',
    );
    return 2;
  }
  const fromStdin = args.includes('--password-stdin');
  const password = fromStdin ? await readStdin() : generatePassword();
  const problem = passwordProblem(password, username);
  if (problem) {
    process.stderr.write(`the password ${problem}\n`);
    return 2;
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
      fabricIdentity: optionValue(args, '--identity') ?? null,
      displayName: optionValue(args, '--display-name') ?? null,
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

async function serve(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
  const service = await startService(config, logger);
  gracefulShutdown(logger, service.shutdownSteps, { timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
}

export async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  if (wantsHelp(argv)) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  switch (command) {
    case 'serve':
      await serve();
      return 0;
    case 'migrate':
      await migrateCommand();
      return 0;
    case 'create-admin':
      return createAdminCommand(rest);
    default:
      process.stderr.write(`unknown command '${command}'\n\n${USAGE}\n`);
      return 2;
  }
}

if (require.main === module) void runMain(main, process.argv.slice(2), { stackTraces: true });
