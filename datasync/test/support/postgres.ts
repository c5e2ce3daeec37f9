// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import type { Database } from '@consortia/common';
import { openDatabase } from '@consortia/common';
import { tempDir as consortiaTempDir, testLogger } from '@consortia/common/testing';
import type pg from 'pg';

import { migrate } from '../../src/store/migrate';
import { createPool } from '../../src/store/pool';

export { waitUntil } from '@consortia/common/testing';

/** A fresh directory under the system temp dir that the embedded server's user can reach. */
export const tempDir = (prefix: string): string => consortiaTempDir(`datasync-${prefix}`);

export const quietLogger = () => testLogger('datasync-test');

export interface TestPostgres {
  database: Database;
  pool: pg.Pool;
  dataDir: string;
  port: number;
  stop(): Promise<void>;
}

/** A real embedded PostgreSQL server with the datasync schema migrated. */
export async function startPostgres(prefix: string, port: number): Promise<TestPostgres> {
  const dataDir = path.join(tempDir(prefix), 'postgres');
  const database = await openDatabase({ dataDir, port, database: 'datasync' });
  await migrate(database.connectionString);
  const pool = createPool(database.connectionString, quietLogger());
  return {
    database,
    pool,
    dataDir,
    port,
    stop: async () => {
      await pool.end();
      await database.stop();
      fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
    },
  };
}

export async function checkpoint(pool: pg.Pool, channel: string): Promise<number> {
  const { rows } = await pool.query<{ last_block: string }>(
    'SELECT last_block FROM checkpoints WHERE channel = $1',
    [channel],
  );
  return rows[0] ? Number(rows[0].last_block) : -1;
}
