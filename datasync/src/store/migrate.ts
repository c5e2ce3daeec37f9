// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import type { Logger } from '@consortia/common';
import { runMigrations } from '@consortia/common';

/** SQL migrations ship next to src/ and dist/, so both the sources and the build find them. */
export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');
export const MIGRATIONS_TABLE = 'datasync_migrations';

/** Applies pending migrations in order; concurrent runners wait on node-pg-migrate's lock. */
export async function migrate(connectionString: string, logger?: Logger): Promise<string[]> {
  const names = await runMigrations(connectionString, {
    dir: MIGRATIONS_DIR,
    table: MIGRATIONS_TABLE,
    logger,
    waitForLock: true,
  });
  if (names.length > 0) logger?.info({ applied: names }, 'migrations applied');
  return names;
}
