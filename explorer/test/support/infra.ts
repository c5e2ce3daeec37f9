import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import type { Database } from '@consortia/common';
import { createLogger, openDatabase } from '@consortia/common';

/** A fresh directory under the system temp dir that the embedded server's user can reach. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `consortia-explorer-${prefix}-`));
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** A port nothing listens on right now, chosen by the kernel (for servers that refuse 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export const testLogger = (name: string) =>
  createLogger(name, process.env.TEST_LOG_LEVEL ?? 'silent');

/** A real embedded PostgreSQL server with its data under `dir`. */
export async function startPostgres(dir: string, database = 'datasync'): Promise<Database> {
  return openDatabase({
    dataDir: path.join(dir, `${database}-postgres`),
    port: await freePort(),
    database,
  });
}

/** Polls `probe` until it returns a value, or fails naming what it waited for. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
