// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import type { Logger } from '@consortia/common';
import { embeddedPassword } from '@consortia/common';
import { closePool } from '@consortia/common/pg';
import type pg from 'pg';

import type { DatasyncConfig } from '../config';
import { openStore } from '../service';
import { createPool } from '../store/pool';

export interface MirrorConnection {
  pool: pg.Pool;
  connectionString: string;
  /** Where the mirror was reached, for messages. */
  where: string;
  close(): Promise<void>;
}

/**
 * The port of the embedded PostgreSQL serving `dataDir` right now, read from its postmaster.pid
 * (pid on the first line, port on the fourth) when that process is alive.
 */
export function runningEmbeddedPort(dataDir: string): number | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, but another user's (the postgres user, when started as root)
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return port;
}

/**
 * Reaches the mirror for `verify` and `migrate` without disturbing a running datasync: the configured
 * DATABASE_URL; else the embedded server datasync is running on its data dir (a second server
 * cannot start on a data dir in use); else the embedded server started here and stopped after.
 */
export async function connectMirror(
  config: DatasyncConfig,
  logger: Logger,
): Promise<MirrorConnection> {
  if (config.database.url) {
    const pool = createPool(config.database.url, logger);
    return {
      pool,
      connectionString: config.database.url,
      where: redact(config.database.url),
      close: () => closePool(pool),
    };
  }
  const dataDir = path.resolve(config.database.dataDir);
  const port = runningEmbeddedPort(dataDir);
  if (port !== undefined) {
    const password = encodeURIComponent(embeddedPassword(dataDir));
    const url = `postgres://postgres:${password}@127.0.0.1:${port}/${config.database.name}`;
    const pool = createPool(url, logger);
    return {
      pool,
      connectionString: url,
      where: `the running embedded PostgreSQL of ${dataDir} (port ${port})`,
      close: () => closePool(pool),
    };
  }
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore(config, logger);
  } catch (error) {
    throw new Error(
      `cannot start the embedded PostgreSQL in ${dataDir} on port ${config.database.embeddedPort}: ${
        // eslint-disable-next-line @typescript-eslint/no-base-to-string -- whatever the child reported, shown as text
        error instanceof Error ? error.message : String(error ?? 'it exited at once')
      } (is another server using the data dir or the port?)`,
      { cause: error },
    );
  }
  return {
    pool: store.pool,
    connectionString: store.database.connectionString,
    where: `an embedded PostgreSQL started on ${dataDir}`,
    close: async () => {
      await closePool(store.pool);
      await store.database.stop();
    },
  };
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}
