// SPDX-License-Identifier: Apache-2.0
import os from 'node:os';
import path from 'node:path';

import { env, kafkaClientVariables, loadConfig, postgresVariables } from '@consortia/common';
import { z } from 'zod';

export const SERVICE_NAME = 'dapp';

const optionalFile = () => z.string().optional();

/** Every environment variable the DAPP reads; README.md documents each one. */
export const configSchema = z.object({
  PORT: env.listenPort(8080),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: env.logLevel(),

  FABRIC_MSP_ID: z.string().default('Org1MSP'),
  FABRIC_CHANNEL: z.string().default('consortium'),
  FABRIC_CHANNELS: env.list(),
  FABRIC_CHAINCODE: z.string().default('consortia'),
  FABRIC_CHAINCODES: env.list(),
  FABRIC_PEER_ENDPOINTS: env.list(),
  FABRIC_TLS_CA_FILE: optionalFile(),
  FABRIC_TLS_SERVER_NAME: z.string().optional(),
  FABRIC_CERT_FILE: optionalFile(),
  FABRIC_KEY_FILE: optionalFile(),
  FABRIC_IDENTITY_DIR: optionalFile(),
  FABRIC_IDENTITIES: env.list(),
  // Per-user identities (src/fabric/user-identities.ts): `id:key` key-encryption keys, checked
  // at start and never echoed; the org's CA and its registrar, to enroll, re-enroll and revoke.
  FABRIC_IDENTITY_KEKS: z.string().optional(),
  // How often identities another DAPP process enrolled or revoked are picked up.
  FABRIC_IDENTITY_REFRESH_MS: env.positiveInt(5_000),
  FABRIC_CA_URL: z.url().optional(),
  FABRIC_CA_NAME: z.string().optional(),
  FABRIC_CA_TLS_CA_FILE: optionalFile(),
  FABRIC_CA_TLS_SERVER_NAME: z.string().optional(),
  FABRIC_CA_REGISTRAR_CERT_FILE: optionalFile(),
  FABRIC_CA_REGISTRAR_KEY_FILE: optionalFile(),
  FABRIC_EVALUATE_TIMEOUT_MS: env.positiveInt(5_000),
  FABRIC_ENDORSE_TIMEOUT_MS: env.positiveInt(15_000),
  FABRIC_SUBMIT_TIMEOUT_MS: env.positiveInt(5_000),
  FABRIC_COMMIT_TIMEOUT_MS: env.positiveInt(60_000),
  FABRIC_METADATA_TTL_MS: env.positiveInt(300_000),

  DAPP_API_KEYS: env.list(),
  // `CN=identity1|identity2`: the identities a client certificate may use (default: `default`).
  DAPP_CLIENT_IDENTITIES: env.list(),
  // Checked by TransientVault, which never echoes it (loadConfig would print a bad value).
  DAPP_TRANSIENT_KEY: z.string().optional(),
  DAPP_AUTH_MAX_CONCURRENT: env.positiveInt(2),
  DAPP_AUTH_MAX_WAITING: env.positiveInt(32),
  DAPP_AUTH_FAILURES_PER_SOURCE: env.positiveInt(10),
  DAPP_AUTH_FAILURES_GLOBAL: env.positiveInt(100),
  DAPP_AUTH_WINDOW_MS: env.positiveInt(60_000),
  DAPP_TLS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  DAPP_TLS_CERT_FILE: optionalFile(),
  DAPP_TLS_KEY_FILE: optionalFile(),
  DAPP_TLS_CLIENT_CA_FILE: optionalFile(),

  KAFKA_BROKERS: env.list(),
  // TLS and SASL/SCRAM to the brokers: KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SASL_*
  ...kafkaClientVariables(),
  KAFKA_CLIENT_ID: z.string().default('consortia-dapp'),
  KAFKA_TOPIC: z.string().default('dapp.tx.requests'),
  KAFKA_RESULTS_TOPIC: z.string().default('dapp.tx.results'),
  KAFKA_DLQ_TOPIC: z.string().default('dapp.tx.dlq'),
  KAFKA_GROUP_ID: z.string().default('dapp-workers'),
  KAFKA_PARTITIONS: env.positiveInt(12),
  KAFKA_REPLICATION_FACTOR: env.positiveInt(1),
  KAFKA_SESSION_TIMEOUT_MS: env.positiveInt(30_000),

  DAPP_IN_PROCESS_WORKER: env.flag(true),
  WORKER_CONCURRENCY: env.positiveInt(32),
  RETRY_MAX_ATTEMPTS: env.positiveInt(6),
  RETRY_BASE_DELAY_MS: env.positiveInt(100),
  RETRY_MAX_DELAY_MS: env.positiveInt(5_000),
  // Queued requests retry transient failures for this long rather than RETRY_MAX_ATTEMPTS times
  // (0: by RETRY_MAX_ATTEMPTS, like sync requests).
  ASYNC_RETRY_WINDOW_MS: z.coerce.number().int().min(0).default(120_000),

  RECONCILE_INTERVAL_MS: env.positiveInt(5_000),
  RECONCILE_GRACE_MS: env.positiveInt(45_000),
  RECONCILE_STUCK_MS: env.positiveInt(600_000),

  // DATABASE_URL, else PGHOST and the other libpq variables (PGSSLMODE, PGSSLROOTCERT, ...)
  ...postgresVariables('dapp'),
  DAPP_DATA_DIR: z.string().default(path.join(os.tmpdir(), 'consortia-dapp')),
  DAPP_EMBEDDED_PG_PORT: env.port(5433),
  DAPP_DATABASE: z.string().default('dapp'),

  SHUTDOWN_TIMEOUT_MS: env.positiveInt(30_000),
});

export type DappConfig = z.infer<typeof configSchema>;

export function readConfig(variables: NodeJS.ProcessEnv = process.env): DappConfig {
  return loadConfig(SERVICE_NAME, configSchema, variables);
}

/** The channels and chaincodes this DAPP serves; anything else is refused before Fabric is asked. */
export function servedChannels(config: DappConfig): string[] {
  return [...new Set([config.FABRIC_CHANNEL, ...config.FABRIC_CHANNELS])];
}

export function servedChaincodes(config: DappConfig): string[] {
  return [...new Set([config.FABRIC_CHAINCODE, ...config.FABRIC_CHAINCODES])];
}
