// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import type { Logger } from '@consortia/common';
import { runMigrations } from '@consortia/common';
import type { ClientConfig } from 'pg';

export const MIGRATIONS_TABLE = 'app_api_migrations';

/** Applies pending migrations (compiled next to this file, under migrations/). */
export function migrate(connection: ClientConfig, logger?: Logger): Promise<string[]> {
  return runMigrations(connection, {
    dir: path.join(__dirname, 'migrations'),
    table: MIGRATIONS_TABLE,
    logger,
  });
}
