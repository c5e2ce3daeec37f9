import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Database } from '@consortia/common';
import { createLogger, openDatabase } from '@consortia/common';
import type pg from 'pg';

import { migrate } from '../../src/store/migrate';
import { createPool } from '../../src/store/pool';

/** A fresh directory under the system temp dir that the embedded server's user can reach. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `datasync-${prefix}-`));
  fs.chmodSync(dir, 0o755);
  return dir;
}

export const quietLogger = () =>
  createLogger('datasync-test', process.env.TEST_LOG_LEVEL ?? 'silent');

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

export async function waitUntil(
  description: string,
  condition: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${description}`);
}

export async function checkpoint(pool: pg.Pool, channel: string): Promise<number> {
  const { rows } = await pool.query<{ last_block: string }>(
    'SELECT last_block FROM checkpoints WHERE channel = $1',
    [channel],
  );
  return rows[0] ? Number(rows[0].last_block) : -1;
}
