// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';
import pg from 'pg';

/**
 * A pool whose idle clients may lose their server (a Postgres restart) without crashing the
 * process: the error is logged and the next query opens a fresh connection.
 */
export function createPool(connectionString: string, logger?: Logger, max = 5): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5_000 });
  pool.on('error', (error) => logger?.warn({ err: error }, 'idle Postgres connection lost'));
  return pool;
}
