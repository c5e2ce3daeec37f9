// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import type { Database, Logger } from '@consortia/common';
import { openDatabase } from '@consortia/common';
import pg from 'pg';
import type { ClientConfig } from 'pg';

import type { SslMode, StoreConfig } from '../config';

/** node-postgres TLS options for a libpq-style ssl mode. */
export function sslOptions(mode: SslMode, caFile: string | undefined): ClientConfig['ssl'] {
  const ca = caFile ? fs.readFileSync(caFile, 'utf8') : undefined;
  switch (mode) {
    case 'disable':
      return false;
    case 'require':
      // Encrypted, but the server certificate is not checked (libpq's `require`).
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, ca, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true, ca };
  }
}

export interface ServerSettings {
  url: string | undefined;
  host: string | undefined;
  port: number;
  database: string;
  user: string | undefined;
  password: string | undefined;
  sslMode: SslMode;
  sslCaFile: string | undefined;
}

/** A URL wins; otherwise host, port, database, user, password and TLS, as the Helm chart sets them. */
export function clientConfig(settings: ServerSettings): ClientConfig | undefined {
  if (settings.url) return { connectionString: settings.url };
  if (!settings.host) return undefined;
  return {
    host: settings.host,
    port: settings.port,
    database: settings.database,
    user: settings.user,
    password: settings.password,
    ssl: sslOptions(settings.sslMode, settings.sslCaFile),
  };
}

export interface OpenedConnection {
  connection: ClientConfig;
  /** The embedded server this process started, if any. */
  database: Database | undefined;
}

/**
 * An embedded server already running on the same data directory (the app-api serving while an
 * operator runs `create-admin`) refuses a second start; its connection is then reused. The
 * password file sits next to the data directory, where openDatabase keeps it.
 */
async function runningEmbedded(
  dataDir: string,
  port: number,
  database: string,
): Promise<ClientConfig | undefined> {
  if (!fs.existsSync(path.join(dataDir, 'postmaster.pid'))) return undefined;
  let password: string;
  try {
    password = fs.readFileSync(`${dataDir}.password`, 'utf8').trim();
  } catch {
    return undefined;
  }
  const connection: ClientConfig = {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    database,
  };
  const client = new pg.Client(connection);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return connection;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The app-api's own database: DATABASE_URL, else PGHOST and its companions (or their DB_* aliases),
 * else an embedded PostgreSQL under APP_API_DATA_DIR.
 */
export async function openOwnDatabase(
  config: StoreConfig,
  logger: Logger,
): Promise<OpenedConnection> {
  const external = clientConfig({
    url: config.DATABASE_URL,
    host: config.PGHOST,
    port: config.PGPORT,
    database: config.PGDATABASE,
    user: config.PGUSER,
    password: config.PGPASSWORD,
    sslMode: config.PGSSLMODE,
    sslCaFile: config.PGSSLROOTCERT,
  });
  if (external) return { connection: external, database: undefined };
  const dataDir = path.join(config.APP_API_DATA_DIR, 'postgres');
  try {
    const database = await openDatabase({
      dataDir,
      port: config.APP_API_EMBEDDED_PG_PORT,
      database: config.APP_API_DATABASE,
      logger,
    });
    return { connection: { connectionString: database.connectionString }, database };
  } catch (error) {
    const running = await runningEmbedded(
      dataDir,
      config.APP_API_EMBEDDED_PG_PORT,
      config.APP_API_DATABASE,
    );
    if (!running) throw error;
    logger.info({ dataDir }, 'using the embedded database another app-api process runs');
    return { connection: running, database: undefined };
  }
}
