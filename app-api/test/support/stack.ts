// SPDX-License-Identifier: Apache-2.0
// Real components for the app-api's integration tests and benchmark: an embedded PostgreSQL
// server holding the app-api's own database and a ledger mirror, datasync filling that mirror,
// and the app-api itself on an ephemeral port.
import fs from 'node:fs';
import path from 'node:path';

import type { Database, Logger } from '@consortia/common';
import { openDatabase } from '@consortia/common';
import {
  freePort,
  tempDir as consortiaTempDir,
  testLogger,
  waitUntil,
} from '@consortia/common/testing';
import {
  readConfig as readDatasyncConfig,
  startService as startDatasync,
} from '@consortia/datasync';
import type { BlockSource, RunningService as RunningDatasync } from '@consortia/datasync';
import pg from 'pg';

import { readConfig, startService } from '../../src';
import type { RunningService } from '../../src';

export { freePort, waitUntil } from '@consortia/common/testing';
export { call, login } from './http';
export type { Answer, CallOptions, LoggedIn } from './http';

export const quietLogger = (name = 'app-api-test'): Logger => testLogger(name);

/** A fresh directory under the system temp dir that the embedded server's user can reach. */
export const tempDir = (prefix: string): string => consortiaTempDir(`app-api-${prefix}`);

export interface TestDatabases {
  /** The app-api's own database (users, roles, sessions, audit). */
  appUrl: string;
  /** The ledger mirror, written by datasync. */
  mirrorUrl: string;
  /** Another database on the same server, e.g. for the DAPP's request status. */
  extraUrl(name: string): Promise<string>;
  stop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** One real embedded PostgreSQL server with a database for each component. */
export async function startDatabases(prefix: string): Promise<TestDatabases> {
  const dir = tempDir(prefix);
  let database: Database | undefined = await openDatabase({
    dataDir: path.join(dir, 'postgres'),
    port: await freePort(),
    database: 'app_api',
  });
  const create = async (name: string) => {
    const client = new pg.Client({ connectionString: database?.connectionString });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
    } finally {
      await client.end();
    }
    return withDatabase(database?.connectionString ?? '', name);
  };
  const mirrorUrl = await create('datasync');
  return {
    appUrl: database.connectionString,
    mirrorUrl,
    extraUrl: create,
    stop: async () => {
      await database?.stop();
      database = undefined;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** datasync, for real, mirroring `channel` from a block source into the mirror database. */
export async function startMirror(
  mirrorUrl: string,
  source: BlockSource | undefined,
  env: NodeJS.ProcessEnv = {},
): Promise<RunningDatasync> {
  const config = readDatasyncConfig({
    DATABASE_URL: mirrorUrl,
    PORT: String(await freePort()),
    LOG_LEVEL: 'silent',
    DATASYNC_RETRY_MIN_MS: '100',
    DATASYNC_RETRY_MAX_MS: '1000',
    DATASYNC_HEIGHT_POLL_MS: '1000',
    ...env,
  });
  return source
    ? startDatasync(config, quietLogger('datasync-test'), source)
    : startDatasync(config, quietLogger('datasync-test'));
}

export const TEST_JWT_SECRET = 'test-secret-of-the-app-api-at-least-32-bytes-long';

/** The app-api's environment for tests: ephemeral port, cheap password hashing. */
export function appApiEnv(
  databases: Pick<TestDatabases, 'appUrl' | 'mirrorUrl'>,
  overrides: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databases.appUrl,
    MIRROR_DATABASE_URL: databases.mirrorUrl,
    DAPP_URL: 'http://127.0.0.1:9',
    DAPP_API_KEY: 'unused.key',
    APP_API_JWT_SECRET: TEST_JWT_SECRET,
    APP_API_PASSWORD_COST: '14',
    ...overrides,
  };
}

export interface TestApi {
  service: RunningService;
  base: string;
  stop(): Promise<void>;
}

export async function startAppApi(
  env: NodeJS.ProcessEnv,
  logger = quietLogger(),
): Promise<TestApi> {
  const service = await startService(readConfig(env), logger);
  return { service, base: `http://127.0.0.1:${service.port}`, stop: () => service.stop() };
}

/** The first administrator the app-api creates in a test (APP_API_ADMIN_USERNAME/PASSWORD). */
export const TEST_ADMIN = { username: 'root', password: 'first admin pass 2026' };

/** The app-api over real Postgres and a real datasync mirror: what most integration suites run. */
export interface MirroredApi {
  databases: TestDatabases;
  /** datasync, mirroring the block source it was given. */
  mirror: RunningDatasync;
  api: TestApi;
  /** The app-api's environment. */
  env: NodeJS.ProcessEnv;
  /** Stops the app-api and starts it again on the same databases, with `overrides` on `env`. */
  restartApi(overrides?: NodeJS.ProcessEnv): Promise<TestApi>;
  /** Stops datasync and starts it again on the same mirror and block source. */
  restartMirror(): Promise<RunningDatasync>;
  /** Stops the app-api, datasync and the databases. */
  stop(): Promise<void>;
}

/**
 * Starts the databases (named after `prefix`), datasync mirroring `source`, and the app-api with
 * TEST_ADMIN as its first administrator and `overrides` on its test environment; with
 * `syncedBlock`, it answers once the app-api sees the mirror at that block.
 */
export async function startMirroredApi(
  prefix: string,
  source: BlockSource,
  options: { overrides?: NodeJS.ProcessEnv; syncedBlock?: number } = {},
): Promise<MirroredApi> {
  const databases = await startDatabases(prefix);
  const env = appApiEnv(databases, {
    APP_API_ADMIN_USERNAME: TEST_ADMIN.username,
    APP_API_ADMIN_PASSWORD: TEST_ADMIN.password,
    ...options.overrides,
  });
  const stopMirror = async (mirror: RunningDatasync) => {
    for (const step of mirror.shutdownSteps) await step.run();
  };
  const started: (() => Promise<void>)[] = [() => databases.stop()];
  try {
    const mirror = await startMirror(databases.mirrorUrl, source);
    started.unshift(() => stopMirror(mirror));
    const api = await startAppApi(env);
    started.unshift(() => api.stop());
    const { syncedBlock } = options;
    if (syncedBlock !== undefined) {
      await waitUntil(
        `the mirror to reach block ${syncedBlock}`,
        async () => (await api.service.mirror.freshness()).syncedBlock === syncedBlock,
      );
    }
    const stack: MirroredApi = {
      databases,
      mirror,
      api,
      env,
      restartApi: async (overrides = {}) => {
        await stack.api.stop();
        stack.api = await startAppApi({ ...env, ...overrides });
        return stack.api;
      },
      restartMirror: async () => {
        await stopMirror(stack.mirror);
        stack.mirror = await startMirror(databases.mirrorUrl, source);
        return stack.mirror;
      },
      stop: async () => {
        await stack.api.stop();
        await stopMirror(stack.mirror);
        await databases.stop();
      },
    };
    return stack;
  } catch (error) {
    for (const stop of started) await stop().catch(() => undefined);
    throw error;
  }
}
