// SPDX-License-Identifier: Apache-2.0
import type { Database } from '@consortia/common';
import { closePool } from '@consortia/common/pg';
import type { RunningService } from '@consortia/datasync';
import { readConfig as readDatasyncConfig, startService } from '@consortia/datasync';
import { ReplayBlockSource } from '@consortia/datasync/testing';
import type { common } from '@hyperledger/fabric-protos';
import pg from 'pg';

import { eventually, freePort, startPostgres, testLogger } from './infra';

export interface TestMirror {
  database: Database;
  datasync: RunningService;
  source: ReplayBlockSource;
  /** A pool of its own, for assertions straight against the tables. */
  pool: pg.Pool;
  /** Waits until datasync's checkpoint of `channel` reaches `block`. */
  mirrored(channel: string, block: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real mirror: an embedded Postgres that the real datasync service migrates and fills,
 * replaying constructed blocks in place of a peer. More blocks can be appended while it runs.
 */
export async function startMirror(
  dir: string,
  channel: string,
  blocks: common.Block[],
): Promise<TestMirror> {
  const database = await startPostgres(dir);
  const source = new ReplayBlockSource(blocks);
  const config = readDatasyncConfig({
    PORT: String(await freePort()),
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.connectionString,
    FABRIC_CHANNEL: channel,
    DATASYNC_HEIGHT_POLL_MS: '200',
    DATASYNC_RETRY_MIN_MS: '100',
  });
  const datasync = await startService(config, testLogger('datasync'), source);
  const pool = new pg.Pool({ connectionString: database.connectionString, max: 2 });
  const mirrored = async (channel: string, block: number) => {
    await eventually(`block ${block} of ${channel} in the mirror`, async () => {
      const { rows } = await pool.query<{ last_block: string }>(
        'SELECT last_block FROM checkpoints WHERE channel = $1',
        [channel],
      );
      return rows[0] && Number(rows[0].last_block) >= block ? true : undefined;
    });
  };
  return {
    database,
    datasync,
    source,
    pool,
    mirrored,
    stop: async () => {
      await closePool(pool);
      // datasync's own steps stop its server, syncs and pool; the server it was pointed at is ours
      for (const step of datasync.shutdownSteps) await step.run().catch(() => undefined);
      // a Postgres left running keeps the test process alive after its last test
      await database.stop();
    },
  };
}
