// SPDX-License-Identifier: Apache-2.0
/**
 * Helpers for the services' tests and benchmarks: `@consortia/common/testing`. Kept apart from
 * the main entry point so that no service loads them in production.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Database } from '../postgres/database';
import { openDatabase } from '../postgres/database';
import type { Logger } from '../logging/logger';
import { createLogger } from '../logging/logger';
import { freePort } from './service-process';

const made: string[] = [];

/** Set CONSORTIA_KEEP_TEST_DIRS=1 to keep the test directories (logs, databases) for a look. */
function removeMadeDirs(): void {
  if (process.env.CONSORTIA_KEEP_TEST_DIRS) return;
  for (const dir of made.splice(0)) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // a directory still in use is left for the system's temp cleaning
    }
  }
}

/**
 * A fresh directory `consortia-<prefix>-…` under the system temp dir, searchable by others: the
 * embedded Postgres server runs as the `postgres` user when the tests run as root. It is removed
 * when the test process exits, so repeated runs do not fill the temp dir.
 */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `consortia-${prefix}-`));
  fs.chmodSync(dir, 0o755);
  if (made.length === 0) process.once('exit', removeMadeDirs);
  made.push(dir);
  return dir;
}

/** A logger that is silent unless TEST_LOG_LEVEL asks for lines, e.g. to debug a failing test. */
export function testLogger(name: string): Logger {
  return createLogger(name, process.env.TEST_LOG_LEVEL ?? 'silent');
}

/** A real embedded PostgreSQL server on a free port, its data in `<dir>/<database>-postgres`. */
export async function startEmbeddedPostgres(dir: string, database: string): Promise<Database> {
  return openDatabase({
    dataDir: path.join(dir, `${database}-postgres`),
    port: await freePort(),
    database,
  });
}

export { eventually, waitUntil } from './wait';

/**
 * Runs `action` with everything written to standard output and standard error captured (and
 * not shown); its result and the captured text.
 */
export async function captureOutput<T>(
  action: () => Promise<T>,
): Promise<{ result: T; text: string }> {
  let text = '';
  const capture = ((chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stdout.write;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back onto the same streams below
  const [out, err] = [process.stdout.write, process.stderr.write];
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    return { result: await action(), text };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

export type { CleanShutdown, ServiceProcess, StoppedService } from './service-process';
export {
  assertCleanShutdown,
  assertEveryStepRan,
  freePort,
  killIfRunning,
  logRecords,
  portOpen,
  spawnService,
  startServiceProcess,
  stopWithSignal,
  waitForHealthz,
  waitForStart,
} from './service-process';
export type { CertificateFiles } from './certificates';
export {
  caSigned,
  caSignedAt,
  cryptogenClientMsp,
  openssl,
  selfSigned,
  selfSignedAt,
} from './certificates';
export type { FuzzDocument, FuzzOperation, FuzzRequest } from './openapi-fuzz';
export { requestsFor, valueOf } from './openapi-fuzz';
