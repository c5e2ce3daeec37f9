// SPDX-License-Identifier: Apache-2.0
import type { Database } from '@consortia/common';
import { startEmbeddedPostgres, tempDir as consortiaTempDir } from '@consortia/common/testing';

export { eventually, freePort } from '@consortia/common/testing';
/** A real single-node Kafka broker (KRaft) of the test's own, as the network workspace runs it. */
export { startTestKafka as startKafka } from '@consortia/network/testing';
export type { TestKafka } from '@consortia/network/testing';

/** A fresh directory under the system temp dir, searchable by others (the postgres user). */
export const tempDir = (prefix: string): string => consortiaTempDir(`dapp-${prefix}`);

/** A real embedded PostgreSQL server with its data under `dir`. */
export const startPostgres = (dir: string): Promise<Database> => startEmbeddedPostgres(dir, 'dapp');
