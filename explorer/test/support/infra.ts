// SPDX-License-Identifier: Apache-2.0
import type { Database } from '@consortia/common';
import { startEmbeddedPostgres, tempDir as consortiaTempDir } from '@consortia/common/testing';

export { eventually, freePort, testLogger } from '@consortia/common/testing';

/** A fresh directory under the system temp dir that the embedded server's user can reach. */
export const tempDir = (prefix: string): string => consortiaTempDir(`explorer-${prefix}`);

/** A real embedded PostgreSQL server with its data under `dir`. */
export const startPostgres = (dir: string, database = 'datasync'): Promise<Database> =>
  startEmbeddedPostgres(dir, database);
