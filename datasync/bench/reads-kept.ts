// SPDX-License-Identifier: Apache-2.0
/**
 * A reads benchmark database that outlives the run (BENCH_READS_KEEP): it is migrated on every
 * start, and remembers its build (build.json beside the data) so a later run only times it.
 */
import fs from 'node:fs';
import path from 'node:path';

import { openDatabase } from '@consortia/common';
import type pg from 'pg';

import { migrate } from '../src/store/migrate';
import { createPool } from '../src/store/pool';
import { quietLogger } from '../test/support/postgres';

export interface BuildRecord {
  lastBlock: number;
  seconds: number;
  loadAverage: number[];
}

export interface BenchPostgres {
  pool: pg.Pool;
  /** The build of a database kept from a run before. */
  build?: BuildRecord;
  /** Records a finished build, so the next run reuses it. */
  built?: (record: BuildRecord) => void;
  stop(): Promise<void>;
}

export async function keptPostgres(
  dir: string,
  name: string,
  port: number,
): Promise<BenchPostgres> {
  const root = path.resolve(dir, name);
  const record = path.join(root, 'build.json');
  fs.mkdirSync(root, { recursive: true, mode: 0o755 });
  const database = await openDatabase({
    dataDir: path.join(root, 'postgres'),
    port,
    database: 'datasync',
  });
  await migrate(database.connectionString);
  const pool = createPool(database.connectionString, quietLogger());
  const build = fs.existsSync(record)
    ? (JSON.parse(fs.readFileSync(record, 'utf8')) as BuildRecord)
    : undefined;
  return {
    pool,
    build,
    built: (done) => fs.writeFileSync(record, `${JSON.stringify(done)}\n`),
    stop: async () => {
      await pool.end();
      await database.stop();
    },
  };
}
