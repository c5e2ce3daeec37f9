// SPDX-License-Identifier: Apache-2.0
import type { ClientConfig } from 'pg';
import type { Logger } from 'pino';

/** Compiled migrations sit next to their declaration and source-map files, which are not migrations. */
const NOT_MIGRATIONS = '(\\..*)|(.*\\.d\\.ts)|(.*\\.map)';

export interface MigrationOptions {
  /** The directory of migration files (compiled .js or .sql). */
  dir: string;
  /** The table recording applied migrations: one per service, so services may share a database. */
  table: string;
  logger?: Logger;
  /** Wait while another runner holds the migration lock, instead of failing (replicas starting together). */
  waitForLock?: boolean;
}

/**
 * Applies a service's pending migrations in order and returns their names, so that every service
 * migrates its database the same way. node-pg-migrate is an ES module, hence the dynamic import.
 */
export async function runMigrations(
  connection: string | ClientConfig,
  options: MigrationOptions,
): Promise<string[]> {
  const { runner } = await import('node-pg-migrate');
  const applied = await runner({
    databaseUrl: connection,
    dir: options.dir,
    ignorePattern: NOT_MIGRATIONS,
    migrationsTable: options.table,
    direction: 'up',
    checkOrder: true,
    advisoryLockMode: options.waitForLock ? 'wait' : 'fail',
    log: (message: string) => options.logger?.debug({ migration: message }, 'migration'),
  });
  return applied.map((migration) => migration.name);
}
