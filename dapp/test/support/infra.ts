// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import type { Database } from '@consortia/common';
import {
  freePort,
  startEmbeddedPostgres,
  tempDir as consortiaTempDir,
} from '@consortia/common/testing';
import {
  consortiaHome,
  kafkaComponent,
  prepareBroker,
  startBroker,
  stopDaemon,
} from '@consortia/network';

export { eventually, freePort } from '@consortia/common/testing';

/** A fresh directory under the system temp dir, searchable by others (the postgres user). */
export const tempDir = (prefix: string): string => consortiaTempDir(`dapp-${prefix}`);

/** A real embedded PostgreSQL server with its data under `dir`. */
export const startPostgres = (dir: string): Promise<Database> => startEmbeddedPostgres(dir, 'dapp');

export interface TestKafka {
  brokers: string[];
  stop(): Promise<void>;
}

/** A real single-node Kafka broker (KRaft), as the network workspace runs it. */
export async function startKafka(dir: string): Promise<TestKafka> {
  const home = consortiaHome();
  if (!kafkaComponent.isInstalled(home)) {
    throw new Error('Kafka is not installed: run `consortia install kafka`');
  }
  const node = {
    port: await freePort(),
    controllerPort: await freePort(),
    dir: path.join(dir, 'kafka'),
  };
  const location = { node, runDir: path.join(dir, 'run'), logDir: path.join(dir, 'logs') };
  await prepareBroker(home, node);
  await startBroker(home, location);
  return {
    brokers: [`127.0.0.1:${node.port}`],
    stop: async () => {
      await stopDaemon(location.runDir, 'kafka');
    },
  };
}
