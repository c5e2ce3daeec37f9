import type { Server } from 'node:http';

import type { Database, Logger } from '@consortia/common';
import { kafkaClientConfig, openDatabase } from '@consortia/common';
import { Kafka } from 'kafkajs';
import type pg from 'pg';

import type { DatasyncConfig } from './config';
import { SyncMetrics } from './http/metrics';
import { closeServer, startOperationsServer } from './http/server';
import { OutboxRelay } from './outbox/relay';
import type { BlockSource } from './source/block-source';
import { GatewayBlockSource } from './source/gateway-source';
import { migrate } from './store/migrate';
import { createPool } from './store/pool';
import { ChannelSync } from './sync/channel-sync';

export interface RunningService {
  database: Database;
  pool: pg.Pool;
  syncs: ChannelSync[];
  relay?: OutboxRelay;
  server: Server;
  metrics: SyncMetrics;
  /** In shutdown order: stop accepting, stop syncing, drain the relay, close connections. */
  stopSteps: { name: string; run: () => Promise<void> }[];
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
  const server = await startOperationsServer(config.port, metrics, {
    postgres: async () => {
      await pool.query('SELECT 1');
      return true;
    },
    peer: async () => {
      const failing = syncs.filter((sync) => sync.lastError);
      return failing.length === 0
        ? true
        : failing.map((sync) => `${sync.channel}: ${sync.lastError}`).join('; ');
    },
    ...(relay ? { kafka: async () => relay.lastError ?? true } : {}),
  });
  logger.info({ port: config.port, channels: config.channels }, 'datasync started');
  return {
    database,
    pool,
    syncs,
    relay,
    server,
    metrics,
    stopSteps: [
      { name: 'http', run: () => closeServer(server) },
      { name: 'sync', run: async () => void (await Promise.all(syncs.map((sync) => sync.stop()))) },
      { name: 'outbox relay', run: async () => relay?.stop() },
      { name: 'block source', run: () => source.close() },
      { name: 'postgres pool', run: () => pool.end() },
      { name: 'postgres', run: () => database.stop() },
    ],
  };
}
