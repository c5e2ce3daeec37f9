// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import { ConfigError, env, loadConfig, postgresUrl, postgresVariables } from '@consortia/common';
import { z } from 'zod';

import { PASSWORD_HASH_PATTERN } from './http/password';

export const SERVICE_NAME = 'explorer';

export interface NamedUrl {
  /** How pages name the node, e.g. peer0.org1; absent when only a URL was given. */
  name?: string;
  url: string;
}

const NAMED = /^([A-Za-z0-9][A-Za-z0-9._-]{0,63})=(.*)$/;

/** Comma-separated `URL` or `name=URL` entries, e.g. `peer0.org1=http://peer0:9443`. */
const operationsUrls = () =>
  env.list().pipe(
    z.array(
      z
        .string()
        .transform((entry) => {
          const named = NAMED.exec(entry);
          return named ? { name: named[1], url: named[2] ?? '' } : { url: entry };
        })
        .pipe(
          z.object({
            name: z.string().optional(),
            url: z
              .url({
                protocol: /^https?$/,
                message: 'expected comma-separated http(s) URLs, each optionally as name=URL',
              })
              .transform((url) => url.replace(/\/+$/, '')),
          }),
        )
        .transform(({ name, url }): NamedUrl => (name ? { name, url } : { url })),
    ),
  );

/** Every environment variable the explorer reads; README.md documents each one. */
export const configSchema = z.object({
  PORT: env.listenPort(8080),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: env.logLevel(),

  ...postgresVariables('datasync'),

  FABRIC_MSP_ID: z.string().default('Org1MSP'),
  FABRIC_CHANNEL: z.string().default('consortium'),
  PEER_OPERATIONS_URLS: operationsUrls(),
  ORDERER_OPERATIONS_URLS: operationsUrls(),

  EXPLORER_OPERATOR_USER: z.string().max(128).optional(),
  EXPLORER_OPERATOR_PASSWORD_HASH: z
    .string()
    .regex(PASSWORD_HASH_PATTERN, 'expected the output of `explorer hash-password`')
    .optional(),
  EXPLORER_SESSION_SECRET: z
    .string()
    .refine((value) => Buffer.byteLength(value) >= 32, 'must be at least 32 bytes')
    .optional(),
  EXPLORER_SESSION_HOURS: env.positiveInt(12),
  EXPLORER_DEMO_MODE: env.flag(false),
  EXPLORER_LIVE_POLL_MS: env.positiveInt(500),
  EXPLORER_LIVE_MAX_CLIENTS: env.positiveInt(200),
  EXPLORER_LIVE_MAX_PER_CLIENT: env.positiveInt(4),
  EXPLORER_TRUSTED_PROXIES: env.proxies(),
  EXPLORER_OPERATIONS_TIMEOUT_MS: env.positiveInt(2_000),
  EXPLORER_WEB_DIR: z.string().optional(),
  EXPLORER_GRAFANA_URL: z
    .url({ protocol: /^https?$/, message: 'expected the http(s) URL of Grafana' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),

  SHUTDOWN_TIMEOUT_MS: env.positiveInt(30_000),
});

type RawConfig = z.infer<typeof configSchema>;

export interface OperatorCredential {
  user: string;
  passwordHash: string;
  sessionSecret: string;
}

export interface ExplorerConfig {
  port: number;
  host: string;
  logLevel: RawConfig['LOG_LEVEL'];
  databaseUrl: string;
  mspId: string;
  defaultChannel: string;
  peerOperationsUrls: NamedUrl[];
  ordererOperationsUrls: NamedUrl[];
  /** Undefined only in demo mode, where nobody logs in. */
  operator?: OperatorCredential;
  demoMode: boolean;
  sessionHours: number;
  livePollMs: number;
  /** Open live streams at most, in all and from one client address. */
  liveLimits: { total: number; perClient: number };
  /** Proxies whose X-Forwarded-For names the client (login throttle, stream limits, logs). */
  trustedProxies: string[];
  operationsTimeoutMs: number;
  webDir: string;
  /** Where Grafana serves the generated dashboards; the pages link to them when set. */
  grafanaUrl?: string;
  shutdownTimeoutMs: number;
}

/** Where `vite build` puts the front end, from both src/ (tests) and dist/ (production). */
export const DEFAULT_WEB_DIR = path.resolve(__dirname, '..', 'dist', 'web');

const CREDENTIAL_VARIABLES = [
  'EXPLORER_OPERATOR_USER',
  'EXPLORER_OPERATOR_PASSWORD_HASH',
  'EXPLORER_SESSION_SECRET',
] as const;

const present = (source: NodeJS.ProcessEnv, name: string) =>
  source[name] !== undefined && source[name].trim() !== '';

/**
 * Problems that involve several variables. They are worked out from the raw environment, so
 * they are reported together with the schema's own problems rather than after them.
 */
function crossProblems(source: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  if (!present(source, 'DATABASE_URL') && !present(source, 'PGHOST')) {
    problems.push(
      'DATABASE_URL or PGHOST: the explorer reads the mirror that datasync writes; set DATABASE_URL, or PGHOST with PGPORT, PGDATABASE, PGUSER, PGPASSWORD',
    );
  }
  const demo = ['true', '1', 'yes'].includes((source.EXPLORER_DEMO_MODE ?? '').trim());
  if (!demo) {
    const missing = CREDENTIAL_VARIABLES.filter((name) => !present(source, name));
    if (missing.length === CREDENTIAL_VARIABLES.length) {
      problems.push(
        'no operator credential: set EXPLORER_OPERATOR_USER, EXPLORER_OPERATOR_PASSWORD_HASH (from `explorer hash-password`) and EXPLORER_SESSION_SECRET (at least 32 bytes), or set EXPLORER_DEMO_MODE=true for read-only access without login',
      );
    } else {
      for (const name of missing) {
        problems.push(
          `${name}: required with the other operator credential variables (or set EXPLORER_DEMO_MODE=true)`,
        );
      }
    }
  }
  return problems;
}

export function readConfig(source: NodeJS.ProcessEnv = process.env): ExplorerConfig {
  const cross = crossProblems(source);
  let raw: RawConfig;
  try {
    raw = loadConfig(SERVICE_NAME, configSchema, source);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new ConfigError(SERVICE_NAME, [...error.problems, ...cross]);
    }
    throw error;
  }
  if (cross.length > 0) throw new ConfigError(SERVICE_NAME, cross);
  const url = postgresUrl(raw) as string;
  const operator =
    raw.EXPLORER_OPERATOR_USER && raw.EXPLORER_OPERATOR_PASSWORD_HASH && raw.EXPLORER_SESSION_SECRET
      ? {
          user: raw.EXPLORER_OPERATOR_USER,
          passwordHash: raw.EXPLORER_OPERATOR_PASSWORD_HASH,
          sessionSecret: raw.EXPLORER_SESSION_SECRET,
        }
      : undefined;
  return {
    port: raw.PORT,
    host: raw.HOST,
    logLevel: raw.LOG_LEVEL,
    databaseUrl: url,
    mspId: raw.FABRIC_MSP_ID,
    defaultChannel: raw.FABRIC_CHANNEL,
    peerOperationsUrls: raw.PEER_OPERATIONS_URLS,
    ordererOperationsUrls: raw.ORDERER_OPERATIONS_URLS,
    operator: raw.EXPLORER_DEMO_MODE ? undefined : operator,
    demoMode: raw.EXPLORER_DEMO_MODE,
    sessionHours: raw.EXPLORER_SESSION_HOURS,
    livePollMs: raw.EXPLORER_LIVE_POLL_MS,
    liveLimits: {
      total: raw.EXPLORER_LIVE_MAX_CLIENTS,
      perClient: raw.EXPLORER_LIVE_MAX_PER_CLIENT,
    },
    trustedProxies: raw.EXPLORER_TRUSTED_PROXIES,
    operationsTimeoutMs: raw.EXPLORER_OPERATIONS_TIMEOUT_MS,
    webDir: raw.EXPLORER_WEB_DIR ? path.resolve(raw.EXPLORER_WEB_DIR) : DEFAULT_WEB_DIR,
    ...(raw.EXPLORER_GRAFANA_URL ? { grafanaUrl: raw.EXPLORER_GRAFANA_URL } : {}),
    shutdownTimeoutMs: raw.SHUTDOWN_TIMEOUT_MS,
  };
}

/** The variable names, for `--help`. */
export const CONFIG_VARIABLES = Object.keys(configSchema.shape);
