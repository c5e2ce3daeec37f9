import path from 'node:path';

import type { Logger } from '@consortia/common';

/** SQL migrations ship next to src/ and dist/, so both the sources and the build find them. */
export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');
export const MIGRATIONS_TABLE = 'datasync_migrations';

/** Applies pending migrations in order; concurrent runners wait on node-pg-migrate's lock. */
export async function migrate(connectionString: string, logger?: Logger): Promise<string[]> {
  // node-pg-migrate is ESM only
  const { runner } = await import('node-pg-migrate');
  const applied = await runner({
    databaseUrl: connectionString,
    dir: MIGRATIONS_DIR,
    migrationsTable: MIGRATIONS_TABLE,
    direction: 'up',
    checkOrder: true,
    advisoryLockMode: 'wait',
    log: (message: string) => logger?.debug({ migration: message }, 'migration'),
  });
  const names = applied.map((migration) => migration.name);
  if (names.length > 0) logger?.info({ applied: names }, 'migrations applied');
  return names;
}
