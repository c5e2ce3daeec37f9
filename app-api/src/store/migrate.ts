import path from 'node:path';

import type { Logger } from '@consortia/common';
import type { ClientConfig } from 'pg';

export const MIGRATIONS_TABLE = 'app_api_migrations';

/**
 * Applies pending migrations. node-pg-migrate is an ES module, so it is loaded with a dynamic
 * import; compiled declaration and source-map files next to the migrations are ignored.
 */
export async function migrate(connection: ClientConfig, logger?: Logger): Promise<string[]> {
  const { runner } = await import('node-pg-migrate');
  const applied = await runner({
    databaseUrl: connection,
    dir: path.join(__dirname, 'migrations'),
    ignorePattern: '(\\..*)|(.*\\.d\\.ts)|(.*\\.map)',
    migrationsTable: MIGRATIONS_TABLE,
    direction: 'up',
    log: (message: string) => logger?.debug({ migration: message }, 'migration'),
  });
  return applied.map((migration) => migration.name);
}
