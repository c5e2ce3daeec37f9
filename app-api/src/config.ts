// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ConfigError, env, loadConfig } from '@consortia/common';
import { postgresAliases, withAliases } from '@consortia/common/pg';
import { z } from 'zod';

import { isAllowedHostEntry } from './events/address-guard';

export const SERVICE_NAME = 'app-api';

/** DB_* and MIRROR_DB_*, the earlier names of the two databases' libpq variables. */
const DATABASE_ALIASES = { ...postgresAliases(), ...postgresAliases('MIRROR_') };

const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

const sslMode = () =>
  z.enum(SSL_MODES, { message: `expected one of ${SSL_MODES.join(', ')}` }).default('disable');

/** What every command needs: the app-api's own database (users, roles, sessions, audit). */
export const storeSchema = z.object({
  LOG_LEVEL: env.logLevel(),
  DB_ENGINE: z
    .enum(['postgres'], {
      message: "only 'postgres' is supported: the app-api keeps its data in PostgreSQL",
    })
    .default('postgres'),
  // The libpq names; the earlier DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD, DB_SSL_MODE
  // and DB_SSL_CA_FILE still work as aliases (see readConfig).
  DATABASE_URL: z.string().optional(),
  PGHOST: z.string().optional(),
  PGPORT: env.port(5432),
  PGDATABASE: z.string().default('consortia_app'),
  PGUSER: z.string().optional(),
  PGPASSWORD: z.string().optional(),
  PGSSLMODE: sslMode(),
  PGSSLROOTCERT: z.string().optional(),
  APP_API_DATA_DIR: z.string().default(path.join(os.tmpdir(), 'consortia-app-api')),
  APP_API_EMBEDDED_PG_PORT: env.port(5434),
  APP_API_DATABASE: z.string().default('app_api'),
  // log2 of scrypt's cost N; 15 costs 32 MiB and roughly 0.1 s per hash.
  APP_API_PASSWORD_COST: z.coerce.number().int().min(14).max(20).default(15),
});

/** Every environment variable `serve` reads; README.md documents each one. */
export const configSchema = storeSchema.extend({
  PORT: env.listenPort(8080),
  HOST: z.string().default('0.0.0.0'),
  SHUTDOWN_TIMEOUT_MS: env.positiveInt(30_000),
  APP_API_TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  APP_API_TRUSTED_PROXIES: env.proxies(),

  // The mirror's libpq variables, prefixed; MIRROR_DB_* are their earlier aliases.
  MIRROR_DATABASE_URL: z.string().optional(),
  MIRROR_PGHOST: z.string().optional(),
  MIRROR_PGPORT: env.port(5432),
  MIRROR_PGDATABASE: z.string().default('datasync'),
  MIRROR_PGUSER: z.string().optional(),
  MIRROR_PGPASSWORD: z.string().optional(),
  MIRROR_PGSSLMODE: sslMode(),
  MIRROR_PGSSLROOTCERT: z.string().optional(),
  MIRROR_STATEMENT_TIMEOUT_MS: env.positiveInt(5_000),
  MIRROR_WAIT_POLL_MS: env.positiveInt(100),
  MIRROR_MAX_WAITERS: env.positiveInt(1_000),

  DAPP_URL: env.url(),
  DAPP_API_KEY: z.string().min(1),
  DAPP_TIMEOUT_MS: env.positiveInt(30_000),
  // How often writes without a final status are settled from the DAPP's record of them.
  APP_API_SETTLE_INTERVAL_MS: env.positiveInt(30_000),
  FABRIC_CHANNEL: z.string().default('consortium'),
  FABRIC_CHAINCODE: z.string().default('consortia'),
  // Each user created gets their own Fabric identity, enrolled at the org's CA by the DAPP.
  APP_API_USER_IDENTITIES: env.flag(false),

  APP_API_JWT_SECRET: z.string().optional(),
  APP_API_JWT_SECRET_FILE: z.string().optional(),
  APP_API_JWT_ISSUER: z.string().default('consortia-app-api'),
  APP_API_JWT_AUDIENCE: z.string().default('consortia-portal'),
  APP_API_ACCESS_TOKEN_TTL_S: z.coerce.number().int().min(30).max(86_400).default(900),
  APP_API_REFRESH_TOKEN_TTL_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(90 * 86_400)
    .default(14 * 86_400),
  APP_API_LOCKOUT_THRESHOLD: env.positiveInt(5),
  APP_API_LOCKOUT_MS: env.positiveInt(15 * 60_000),

  RATE_LIMIT_WINDOW_MS: env.positiveInt(60_000),
  RATE_LIMIT_PER_IP: env.positiveInt(600),
  RATE_LIMIT_PER_USER: env.positiveInt(300),
  RATE_LIMIT_LOGIN_PER_IP: env.positiveInt(20),
  APP_API_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'expected a size such as 100kb or 1mb')
    .default('100kb'),
  CORS_ORIGINS: env.list(),
  APP_API_WAIT_TIMEOUT_MS: env.positiveInt(10_000),

  // Event streams (src/events): batching, liveness, webhook retries.
  EVENTS_POLL_MS: env.positiveInt(200),
  EVENTS_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  EVENTS_BATCH_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(200),
  EVENTS_WS_PING_MS: env.positiveInt(30_000),
  EVENTS_ACK_TIMEOUT_MS: env.positiveInt(30_000),
  EVENTS_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  EVENTS_WEBHOOK_BACKOFF_MS: env.positiveInt(1_000),
  EVENTS_WEBHOOK_MAX_BACKOFF_MS: env.positiveInt(60_000),
  EVENTS_WEBHOOK_TIMEOUT_MS: env.positiveInt(10_000),
  EVENTS_WEBHOOK_CA_FILE: z.string().optional(),
  EVENTS_WEBHOOK_ALLOW_HTTP: env.flag(false),
  // Receivers on loopback, link-local, private, unspecified or multicast addresses (see
  // src/events/address-guard.ts): all of them, or the listed addresses, ranges and host names.
  EVENTS_WEBHOOK_ALLOW_PRIVATE: env.flag(false),
  EVENTS_WEBHOOK_ALLOWED_HOSTS: env.list().refine((items) => items.every(isAllowedHostEntry), {
    message: 'expected addresses, CIDR ranges or host names',
  }),

  APP_API_ADMIN_USERNAME: z.string().optional(),
  APP_API_ADMIN_PASSWORD: z.string().optional(),
  APP_API_ADMIN_PASSWORD_FILE: z.string().optional(),
  APP_API_ADMIN_IDENTITY: z.string().optional(),
});

export type StoreConfig = z.infer<typeof storeSchema>;
type RawConfig = z.infer<typeof configSchema>;

export interface AppApiConfig extends RawConfig {
  /** The HMAC key access tokens are signed with (from the variable or its file). */
  jwtSecret: Uint8Array;
  /** The first administrator's password, when APP_API_ADMIN_USERNAME asks for one. */
  adminPassword: string | undefined;
  /** Express's `trust proxy`: the listed proxies, else a hop count (0: nobody). */
  trustProxy: number | string[];
}

export const MIN_JWT_SECRET_BYTES = 32;

/** A `_FILE` variable's content without its final newline, or a problem naming the variable. */
function readSecretFile(variable: string, file: string, problems: string[]): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    problems.push(
      `${variable}: cannot read ${file} (${String((error as NodeJS.ErrnoException).code)})`,
    );
    return undefined;
  }
}

/** Problems that involve several variables at once, checked on the raw environment. */
function crossChecks(
  variables: NodeJS.ProcessEnv,
  problems: string[],
): { jwtSecret?: string; adminPassword?: string } {
  const given = (name: string) => {
    const value = variables[name];
    return value !== undefined && value.trim() !== '' ? value : undefined;
  };
  if (!given('MIRROR_DATABASE_URL') && !given('MIRROR_PGHOST')) {
    problems.push(
      'MIRROR_DATABASE_URL: the mirror (datasync) database is required: set MIRROR_DATABASE_URL, or MIRROR_PGHOST with MIRROR_PGPORT, MIRROR_PGDATABASE, MIRROR_PGUSER, MIRROR_PGPASSWORD and MIRROR_PGSSLMODE',
    );
  }
  let jwtSecret = given('APP_API_JWT_SECRET');
  const jwtFile = given('APP_API_JWT_SECRET_FILE');
  if (jwtSecret === undefined && jwtFile !== undefined) {
    jwtSecret = readSecretFile('APP_API_JWT_SECRET_FILE', jwtFile, problems);
  }
  if (jwtSecret === undefined) {
    if (jwtFile === undefined) {
      problems.push(
        `APP_API_JWT_SECRET: required (or APP_API_JWT_SECRET_FILE): at least ${MIN_JWT_SECRET_BYTES} random bytes, e.g. \`openssl rand -base64 48\``,
      );
    }
  } else if (Buffer.byteLength(jwtSecret, 'utf8') < MIN_JWT_SECRET_BYTES) {
    problems.push(
      `APP_API_JWT_SECRET: must be at least ${MIN_JWT_SECRET_BYTES} bytes (got ${Buffer.byteLength(jwtSecret, 'utf8')})`,
    );
    jwtSecret = undefined;
  }
  let adminPassword = given('APP_API_ADMIN_PASSWORD');
  const adminFile = given('APP_API_ADMIN_PASSWORD_FILE');
  if (adminPassword === undefined && adminFile !== undefined) {
    adminPassword = readSecretFile('APP_API_ADMIN_PASSWORD_FILE', adminFile, problems);
  }
  if (given('APP_API_ADMIN_USERNAME') && adminPassword === undefined && adminFile === undefined) {
    problems.push(
      'APP_API_ADMIN_PASSWORD: APP_API_ADMIN_USERNAME needs APP_API_ADMIN_PASSWORD or APP_API_ADMIN_PASSWORD_FILE (there is no default password)',
    );
  }
  if (given('APP_API_TRUSTED_PROXIES') && Number(given('APP_API_TRUST_PROXY') ?? 0) > 0) {
    problems.push(
      'APP_API_TRUSTED_PROXIES: set either the proxies (preferred) or APP_API_TRUST_PROXY hops, not both',
    );
  }
  if (!given('APP_API_ADMIN_USERNAME') && (adminPassword !== undefined || adminFile)) {
    problems.push('APP_API_ADMIN_USERNAME: an admin password is set but no admin username');
  }
  return { jwtSecret, adminPassword };
}

/**
 * Reads `serve`'s configuration. Problems with single variables and with combinations of them
 * (mirror, JWT secret, first admin) are reported together in one ConfigError.
 */
export function readConfig(given: NodeJS.ProcessEnv = process.env): AppApiConfig {
  const variables = withAliases(given, DATABASE_ALIASES);
  const problems: string[] = [];
  let raw: RawConfig | undefined;
  try {
    raw = loadConfig(SERVICE_NAME, configSchema, variables);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const { jwtSecret, adminPassword } = crossChecks(variables, problems);
  if (problems.length > 0 || !raw || jwtSecret === undefined) {
    throw new ConfigError(SERVICE_NAME, problems);
  }
  return {
    ...raw,
    jwtSecret: new TextEncoder().encode(jwtSecret),
    adminPassword,
    trustProxy:
      raw.APP_API_TRUSTED_PROXIES.length > 0
        ? raw.APP_API_TRUSTED_PROXIES
        : raw.APP_API_TRUST_PROXY,
  };
}

/** The variables `migrate` and `create-admin` need: only the app-api's own database. */
export function readStoreConfig(variables: NodeJS.ProcessEnv = process.env): StoreConfig {
  return loadConfig(SERVICE_NAME, storeSchema, withAliases(variables, DATABASE_ALIASES));
}
