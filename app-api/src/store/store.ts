// SPDX-License-Identifier: Apache-2.0
import type { Database, Logger } from '@consortia/common';
import { closePool } from '@consortia/common/pg';
import pg from 'pg';

import type { StoreConfig } from '../config';
import { SubscriptionStore } from '../events/store';
import { AuditStore } from './audit';
import { openOwnDatabase } from './connection';
import { migrate } from './migrate';
import { SessionStore } from './sessions';
import { UserStore } from './users';
import { WriteRequestStore } from './write-requests';

/** The app-api's own database and its repositories. */
export interface AppStore {
  pool: pg.Pool;
  users: UserStore;
  sessions: SessionStore;
  audit: AuditStore;
  writes: WriteRequestStore;
  /** Event subscriptions and their checkpoints. */
  events: SubscriptionStore;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Opens (or starts) the database, applies pending migrations, and builds the repositories. */
export async function openStore(
  config: StoreConfig,
  logger: Logger,
  refreshTtlSeconds = 14 * 86_400,
): Promise<AppStore> {
  const { connection, database } = await openOwnDatabase(config, logger);
  let pool: pg.Pool | undefined;
  try {
    const applied = await migrate(connection, logger);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
    pool = new pg.Pool({ ...connection, max: 10, application_name: 'consortia-app-api' });
    // An idle client losing its server must not crash the process; the next query reports it.
    pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection failed'));
  } catch (error) {
    await pool?.end().catch(() => undefined);
    await database?.stop();
    throw error;
  }
  const opened: pg.Pool = pool;
  const embedded: Database | undefined = database;
  return {
    pool: opened,
    users: new UserStore(opened),
    sessions: new SessionStore(opened, refreshTtlSeconds),
    audit: new AuditStore(opened),
    writes: new WriteRequestStore(opened),
    events: new SubscriptionStore(opened),
    ping: async () => {
      await opened.query('SELECT 1');
    },
    close: async () => {
      await closePool(opened);
      await embedded?.stop();
    },
  };
}
