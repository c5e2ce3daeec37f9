// SPDX-License-Identifier: Apache-2.0
import type pg from 'pg';

/**
 * Ends a pool and resolves once every connection has really closed. `pool.end()` resolves as
 * soon as it has asked its idle connections to close, so a Postgres stopped right after it (an
 * embedded one, at shutdown) still sees them and answers each with "terminating connection due
 * to administrator command". Checked-out clients are waited for until released. After
 * `timeoutMs` it gives up waiting rather than hold a shutdown.
 */
export async function closePool(pool: pg.Pool, timeoutMs = 10_000): Promise<void> {
  const open = pool.totalCount;
  let closed = 0;
  let timer: NodeJS.Timeout | undefined;
  const allClosed = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => {
      closed += 1;
      if (closed >= open) resolve();
    });
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  // a connection the server drops while it is being closed is already gone: nothing to report
  pool.on('error', () => undefined);
  try {
    await pool.end();
    await allClosed;
  } finally {
    clearTimeout(timer);
  }
}
