// SPDX-License-Identifier: Apache-2.0
import {
  env,
  kafkaClientVariables,
  loadConfig,
  postgresUrl,
  postgresVariables,
} from '@consortia/common';
import type { KafkaClientVariables } from '@consortia/common';
import { z } from 'zod';

export const SERVICE_NAME = 'datasync';

/** Every environment variable datasync reads; README.md documents each one. */
export const configSchema = z.object({
  PORT: env.listenPort(8080),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: env.logLevel(),
  SHUTDOWN_TIMEOUT_MS: env.positiveInt(30_000),
  FABRIC_MSP_ID: z.string().default('Org1MSP'),
  FABRIC_CHANNEL: z.string().default('consortium'),
  FABRIC_CHANNELS: env.list(),
  FABRIC_CHAINCODE: z.string().default('consortia'),
  FABRIC_PEER_ENDPOINTS: env.list(),
  FABRIC_TLS_SERVER_NAME: z.string().optional(),
  FABRIC_CERT_FILE: z.string().default('/var/run/consortia/identity/cert.pem'),
  FABRIC_KEY_FILE: z.string().default('/var/run/consortia/identity/key.pem'),
  FABRIC_TLS_CA_FILE: z.string().default('/var/run/consortia/identity/tlscacert.pem'),
  FABRIC_PRIVATE_DATA: env.flag(false),
  ...postgresVariables('datasync'),
  DATASYNC_DATA_DIR: z.string().default('.consortia/datasync/postgres'),
  DATASYNC_EMBEDDED_PG_PORT: env.port(5433),
  DATASYNC_RETRY_MIN_MS: env.positiveInt(500),
  DATASYNC_RETRY_MAX_MS: env.positiveInt(30_000),
  DATASYNC_HEIGHT_POLL_MS: env.positiveInt(5_000),
  DATASYNC_ANALYZE_MIN_TX: env.positiveInt(5_000),
  KAFKA_BROKERS: env.list(),
  // TLS and SASL/SCRAM to the brokers: KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SASL_*
  ...kafkaClientVariables(),
  KAFKA_CLIENT_ID: z.string().default('datasync'),
  LEDGER_EVENTS_TOPIC: z.string().default('ledger.events'),
  OUTBOX_BATCH_SIZE: env.positiveInt(100),
  VERIFY_SAMPLE_SIZE: env.positiveInt(50),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface DatasyncConfig {
  port: number;
  host: string;
  logLevel: RawConfig['LOG_LEVEL'];
  shutdownTimeoutMs: number;
  channels: string[];
  chaincode: string;
  fabric: {
    mspId: string;
    peerEndpoints: string[];
    tlsServerName?: string;
    certFile: string;
    keyFile: string;
    tlsCaFile: string;
    privateData: boolean;
  };
  database: { url?: string; dataDir: string; embeddedPort: number; name: string };
  retry: { minMs: number; maxMs: number };
  heightPollMs: number;
  /** Transactions applied at the least between two ANALYZEs of the mirror (PlannerStatistics). */
  analyzeMinTransactions: number;
  kafka: {
    brokers: string[];
    clientId: string;
    topic: string;
    batchSize: number;
    /** TLS and SASL settings, for common's kafkaClientConfig. */
    security: KafkaClientVariables;
  };
  verifySampleSize: number;
}

export function readConfig(source: NodeJS.ProcessEnv = process.env): DatasyncConfig {
  const raw = loadConfig(SERVICE_NAME, configSchema, source);
  return {
    port: raw.PORT,
    host: raw.HOST,
    logLevel: raw.LOG_LEVEL,
    shutdownTimeoutMs: raw.SHUTDOWN_TIMEOUT_MS,
    channels: raw.FABRIC_CHANNELS.length > 0 ? raw.FABRIC_CHANNELS : [raw.FABRIC_CHANNEL],
    chaincode: raw.FABRIC_CHAINCODE,
    fabric: {
      mspId: raw.FABRIC_MSP_ID,
      peerEndpoints: raw.FABRIC_PEER_ENDPOINTS,
      tlsServerName: raw.FABRIC_TLS_SERVER_NAME,
      certFile: raw.FABRIC_CERT_FILE,
      keyFile: raw.FABRIC_KEY_FILE,
      tlsCaFile: raw.FABRIC_TLS_CA_FILE,
      privateData: raw.FABRIC_PRIVATE_DATA,
    },
    database: {
      url: postgresUrl(raw),
      dataDir: raw.DATASYNC_DATA_DIR,
      embeddedPort: raw.DATASYNC_EMBEDDED_PG_PORT,
      name: raw.PGDATABASE,
    },
    retry: { minMs: raw.DATASYNC_RETRY_MIN_MS, maxMs: raw.DATASYNC_RETRY_MAX_MS },
    heightPollMs: raw.DATASYNC_HEIGHT_POLL_MS,
    analyzeMinTransactions: raw.DATASYNC_ANALYZE_MIN_TX,
    kafka: {
      brokers: raw.KAFKA_BROKERS,
      clientId: raw.KAFKA_CLIENT_ID,
      topic: raw.LEDGER_EVENTS_TOPIC,
      batchSize: raw.OUTBOX_BATCH_SIZE,
      security: {
        KAFKA_SSL: raw.KAFKA_SSL,
        KAFKA_SSL_CA_FILE: raw.KAFKA_SSL_CA_FILE,
        KAFKA_SASL_MECHANISM: raw.KAFKA_SASL_MECHANISM,
        KAFKA_SASL_USERNAME: raw.KAFKA_SASL_USERNAME,
        KAFKA_SASL_PASSWORD: raw.KAFKA_SASL_PASSWORD,
      },
    },
    verifySampleSize: raw.VERIFY_SAMPLE_SIZE,
  };
}

/** Variable, default and meaning, for `--help` and the README. */
export const CONFIG_VARIABLES = Object.keys(configSchema.shape);
