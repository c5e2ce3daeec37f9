// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import type { Database, Logger } from '@consortia/common';
import { openDatabase, postgresUrl } from '@consortia/common';
import type { ClientConfig } from 'pg';

import type { DappConfig } from '../config';
import { migrate } from './migrate';
import { RequestStore } from './request-store';

export interface OpenedStore {
  store: RequestStore;
  /** How to reach the database (the per-user identity vault opens its own pool). */
  connection: ClientConfig;
  /** Stops the embedded server, if this process started one. */
  database: Database | undefined;
}

/**
 * DATABASE_URL first, then the libpq PG* variables (as a URL common's postgresUrl makes), otherwise
 * an embedded Postgres under DAPP_DATA_DIR. Migrations run before the store is used.
 */
export async function openStore(config: DappConfig, logger: Logger): Promise<OpenedStore> {
  let connection: ClientConfig;
  let database: Database | undefined;
  if (config.DATABASE_URL) {
    connection = { connectionString: config.DATABASE_URL };
  } else if (config.PGHOST) {
    // made by common's postgresUrl, so PGSSLMODE keeps libpq's meaning and PGSSLROOTCERT is read
    connection = { connectionString: postgresUrl(config) };
  } else {
    database = await openDatabase({
      dataDir: path.join(config.DAPP_DATA_DIR, 'postgres'),
      port: config.DAPP_EMBEDDED_PG_PORT,
      database: config.DAPP_DATABASE,
      logger,
    });
    connection = { connectionString: database.connectionString };
  }
  try {
    const applied = await migrate(connection, logger);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
  } catch (error) {
    await database?.stop();
    throw error;
  }
  return { store: new RequestStore(connection), connection, database };
}
