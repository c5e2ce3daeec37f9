// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';

import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { logLevel } from 'kafkajs';
import { z } from 'zod';

import type { Logger } from '../logging/logger';
import { env, loadConfig } from './env';

const MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;

/**
 * The variables every Kafka client reads for the broker's client listener (TLS, and SASL/SCRAM
 * credentials), for a schema to spread in, so that the DAPP and datasync connect the same way.
 */
export function kafkaClientVariables() {
  return {
    /** TLS to the brokers; implied by KAFKA_SSL_CA_FILE. */
    KAFKA_SSL: env.flag(false),
    /** PEM CA the brokers' certificates are checked against (default: the system's CAs). */
    KAFKA_SSL_CA_FILE: z.string().optional(),
    KAFKA_SASL_MECHANISM: z.enum(MECHANISMS).optional(),
    KAFKA_SASL_USERNAME: z.string().optional(),
    KAFKA_SASL_PASSWORD: z.string().optional(),
  };
}

export type KafkaClientVariables = z.infer<z.ZodObject<ReturnType<typeof kafkaClientVariables>>>;

/** Only the Kafka client variables, for tools and tests that connect as a service would. */
export function readKafkaClientVariables(
  source: NodeJS.ProcessEnv,
  service = 'kafka-client',
): KafkaClientVariables {
  return loadConfig(service, z.object(kafkaClientVariables()), source);
}

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  /** kafkajs logs through it (warnings and errors), so broker problems reach the service's log. */
  logger?: Logger;
  /** Default: warnings and errors. */
  logLevel?: logLevel;
}

function sasl(values: KafkaClientVariables): SASLOptions | undefined {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username } = values;
  const password = values.KAFKA_SASL_PASSWORD;
  if (!mechanism) {
    if (username || password) {
      throw new Error('KAFKA_SASL_USERNAME/PASSWORD are set but KAFKA_SASL_MECHANISM is not');
    }
    return undefined;
  }
  if (!username || !password) {
    throw new Error(
      `KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`,
    );
  }
  return { mechanism, username, password };
}

/**
 * The kafkajs configuration of every service: brokers, client id, TLS with the configured CA and
 * SASL credentials. Credentials never travel without TLS: SASL without KAFKA_SSL is refused.
 */
export function kafkaClientConfig(
  values: KafkaClientVariables,
  options: KafkaClientOptions,
): KafkaConfig {
  const credentials = sasl(values);
  const caFile = values.KAFKA_SSL_CA_FILE;
  const tls = values.KAFKA_SSL || caFile !== undefined;
  if (credentials && !tls) {
    throw new Error(
      'KAFKA_SASL_MECHANISM is set without TLS: set KAFKA_SSL=true or KAFKA_SSL_CA_FILE so the password is not sent in clear',
    );
  }
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = fs.readFileSync(caFile, 'utf8');
    } catch (error) {
      throw new Error(`KAFKA_SSL_CA_FILE ${caFile} cannot be read: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const child = options.logger?.child({ component: 'kafka' });
  return {
    clientId: options.clientId,
    brokers: options.brokers,
    ...(tls ? { ssl: ca ? { ca: [ca] } : true } : {}),
    ...(credentials ? { sasl: credentials } : {}),
    logLevel: options.logLevel ?? logLevel.WARN,
    ...(child
      ? {
          logCreator:
            () =>
            ({ level, log }) => {
              const { message, ...extra } = log;
              if (level <= logLevel.ERROR) child.error(extra, message);
              else child.warn(extra, message);
            },
        }
      : {}),
  };
}
