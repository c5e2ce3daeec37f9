// SPDX-License-Identifier: Apache-2.0
import http from 'node:http';

import type { Database, Logger, ShutdownStep } from '@consortia/common';
import { closeServer, kafkaClientConfig, listen, openDatabase, stopOnce } from '@consortia/common';
import { closePool } from '@consortia/common/pg';
import { Kafka } from 'kafkajs';
import type pg from 'pg';

import type { DatasyncConfig } from './config';
import { createApp } from './http/app';
import { SyncMetrics } from './http/metrics';
import { OutboxRelay } from './outbox/relay';
import type { BlockSource } from './source/block-source';
import { GatewayBlockSource } from './source/gateway-source';
import { migrate } from './store/migrate';
import { createPool } from './store/pool';
import { PlannerStatistics } from './store/statistics';
import { ChannelSync } from './sync/channel-sync';

export interface RunningService {
  /** The HTTP port actually bound (PORT 0 picks a free one). */
  port: number;
  database: Database;
  pool: pg.Pool;
  syncs: ChannelSync[];
  relay?: OutboxRelay;
  metrics: SyncMetrics;
  /** In order: stop accepting, stop syncing (and analyzing), drain the relay, close connections. */
  shutdownSteps: ShutdownStep[];
  stop(): Promise<void>;
}

export function gatewaySource(config: DatasyncConfig): GatewayBlockSource {
  return new GatewayBlockSource({ ...config.fabric });
}

export async function openStore(
  config: DatasyncConfig,
  logger: Logger,
): Promise<{ database: Database; pool: pg.Pool }> {
  const database = await openDatabase({
    databaseUrl: config.database.url,
    dataDir: config.database.dataDir,
    port: config.database.embeddedPort,
    database: config.database.name,
    logger,
  });
  try {
    await migrate(database.connectionString, logger);
  } catch (error) {
    await database.stop();
    throw error;
  }
  return { database, pool: createPool(database.connectionString, logger) };
}

/** Starts the mirror: Postgres (migrated), one sync per channel, the outbox relay, HTTP. */
export async function startService(
  config: DatasyncConfig,
  logger: Logger,
  source: BlockSource = gatewaySource(config),
): Promise<RunningService> {
  const { database, pool } = await openStore(config, logger);
  const metrics = new SyncMetrics();
  const statistics = new PlannerStatistics(pool, logger, {
    minTransactions: config.analyzeMinTransactions,
  });
  await statistics.start();
  const syncs = config.channels.map(
    (channel) =>
      new ChannelSync({
        channel,
        source,
        pool,
        logger,
        metrics,
        retry: config.retry,
        heightPollMs: config.heightPollMs,
        statistics,
      }),
  );
  const relay =
    config.kafka.brokers.length > 0
      ? new OutboxRelay({
          pool,
          kafka: new Kafka(
            kafkaClientConfig(config.kafka.security, {
              brokers: config.kafka.brokers,
              clientId: config.kafka.clientId,
              logger,
            }),
          ),
          topic: config.kafka.topic,
          logger,
          metrics,
          batchSize: config.kafka.batchSize,
          retry: config.retry,
        })
      : undefined;
  if (!relay) logger.warn('KAFKA_BROKERS is empty: ledger events stay in the outbox table');
  for (const sync of syncs) sync.start();
  relay?.start();
  const app = createApp(metrics, {
    postgres: async () => {
      await pool.query('SELECT 1');
      return true;
    },
    peer: async () => {
      const failing = syncs.filter((sync) => sync.lastError);
      return failing.length === 0
        ? true
        : failing.map((sync) => `${sync.channel}: ${String(sync.lastError)}`).join('; ');
    },
    ...(relay ? { kafka: async () => relay.lastError ?? true } : {}),
  });
  const server = http.createServer(app);
  const shutdownSteps: ShutdownStep[] = [
    { name: 'stop accepting requests', run: () => closeServer(server) },
    {
      name: 'stop syncing',
      run: async () => {
        await Promise.all(syncs.map((sync) => sync.stop()));
      },
    },
    { name: 'finish analyzing the mirror', run: () => statistics.stop() },
    { name: 'drain the outbox relay', run: async () => relay?.stop() },
    { name: 'close the block source', run: () => source.close() },
    { name: 'close the Postgres pool', run: () => closePool(pool) },
    { name: 'stop Postgres', run: () => database.stop() },
  ];
  let port: number;
  try {
    port = await listen(server, config.port, config.host);
  } catch (error) {
    // Everything already started stops again; the listening step has nothing to close.
    for (const step of shutdownSteps.slice(1)) await step.run().catch(() => undefined);
    throw error;
  }
  logger.info({ port, channels: config.channels }, 'datasync started');
  return {
    port,
    database,
    pool,
    syncs,
    relay,
    metrics,
    shutdownSteps,
    stop: stopOnce(logger, shutdownSteps),
  };
}
