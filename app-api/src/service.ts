// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import http from 'node:http';

import type { Logger, ShutdownStep } from '@consortia/common';
import { closeServer, listen, stopOnce } from '@consortia/common';

import { AuthService } from './auth/auth-service';
import { hashPassword, passwordProblem } from './auth/passwords';
import { AccessTokens } from './auth/tokens';
import type { AppApiConfig } from './config';
import { DappClient } from './dapp/client';
import { WriteSettler } from './dapp/write-settler';
import type { EventStreamSettings } from './events';
import { EventStreams } from './events';
import { streamAuthenticator } from './events/auth';
import { createApp } from './http/app';
import { AuditRecorder } from './http/audit';
import { AppMetrics } from './metrics';
import { MirrorReader } from './mirror/reader';
import { clientConfig } from './store/connection';
import type { AppStore } from './store/store';
import { openStore } from './store/store';
import { DuplicateUserError } from './store/users';

export interface RunningService {
  /** The HTTP port actually bound (PORT 0 picks a free one). */
  port: number;
  store: AppStore;
  mirror: MirrorReader;
  metrics: AppMetrics;
  recorder: AuditRecorder;
  events: EventStreams;
  /** In order: stop accepting, finish audit writes, close the mirror and the database. */
  shutdownSteps: ShutdownStep[];
  stop(): Promise<void>;
}

export const CREATE_ADMIN_HINT =
  'node app-api/dist/index.js create-admin --username <name> --password-stdin (same database variables), or set APP_API_ADMIN_USERNAME and APP_API_ADMIN_PASSWORD_FILE and restart';

/**
 * Creates the administrator named by APP_API_ADMIN_USERNAME when no user has that name yet.
 * An existing user is left as it is: the variables seed an installation, they do not manage it.
 */
export async function ensureConfiguredAdmin(
  config: AppApiConfig,
  store: AppStore,
  logger: Logger,
): Promise<void> {
  const username = config.APP_API_ADMIN_USERNAME?.toLowerCase();
  const password = config.adminPassword;
  if (username && password) {
    const problem = passwordProblem(password, username);
    if (problem) throw new Error(`APP_API_ADMIN_PASSWORD ${problem}`);
    if (!(await store.users.findByUsername(username))) {
      try {
        await store.users.create({
          username,
          passwordHash: await hashPassword(password, config.APP_API_PASSWORD_COST),
          roles: ['admin'],
          fabricIdentity: config.APP_API_ADMIN_IDENTITY ?? null,
          createdBy: 'APP_API_ADMIN_USERNAME',
        });
        logger.info({ username }, 'created the first administrator from APP_API_ADMIN_USERNAME');
      } catch (error) {
        // Another replica created it at the same moment.
        if (!(error instanceof DuplicateUserError)) throw error;
      }
    }
  }
  if ((await store.users.countActiveAdmins()) === 0) {
    logger.warn(
      { instructions: CREATE_ADMIN_HINT },
      `no administrator exists yet; create one: ${CREATE_ADMIN_HINT}`,
    );
  }
}

/** Event streams' settings from the configuration. */
export function eventSettings(config: AppApiConfig): EventStreamSettings {
  return {
    pollMs: config.EVENTS_POLL_MS,
    batchSize: config.EVENTS_BATCH_SIZE,
    batchWaitMs: config.EVENTS_BATCH_WAIT_MS,
    channel: config.FABRIC_CHANNEL,
    chaincode: config.FABRIC_CHAINCODE,
    stream: {
      pingMs: config.EVENTS_WS_PING_MS,
      ackTimeoutMs: config.EVENTS_ACK_TIMEOUT_MS,
      startTimeoutMs: 10_000,
    },
    webhook: {
      maxAttempts: config.EVENTS_WEBHOOK_MAX_ATTEMPTS,
      backoffMs: config.EVENTS_WEBHOOK_BACKOFF_MS,
      maxBackoffMs: config.EVENTS_WEBHOOK_MAX_BACKOFF_MS,
      timeoutMs: config.EVENTS_WEBHOOK_TIMEOUT_MS,
      scanMs: 5_000,
      leaseMs: 30_000,
      ca: config.EVENTS_WEBHOOK_CA_FILE
        ? fs.readFileSync(config.EVENTS_WEBHOOK_CA_FILE, 'utf8')
        : undefined,
      allowHttp: config.EVENTS_WEBHOOK_ALLOW_HTTP,
      addresses: {
        allowPrivate: config.EVENTS_WEBHOOK_ALLOW_PRIVATE,
        allowedHosts: config.EVENTS_WEBHOOK_ALLOWED_HOSTS,
      },
    },
  };
}

/** Starts the app-api: its database (migrated), the mirror reader, the DAPP client, HTTP. */
export async function startService(config: AppApiConfig, logger: Logger): Promise<RunningService> {
  const mirrorConnection = clientConfig({
    url: config.MIRROR_DATABASE_URL,
    host: config.MIRROR_PGHOST,
    port: config.MIRROR_PGPORT,
    database: config.MIRROR_PGDATABASE,
    user: config.MIRROR_PGUSER,
    password: config.MIRROR_PGPASSWORD,
    sslMode: config.MIRROR_PGSSLMODE,
    sslCaFile: config.MIRROR_PGSSLROOTCERT,
  });
  if (!mirrorConnection) throw new Error('MIRROR_DATABASE_URL or MIRROR_PGHOST is required');
  const store = await openStore(config, logger, config.APP_API_REFRESH_TOKEN_TTL_S);
  let mirror: MirrorReader | undefined;
  try {
    await ensureConfiguredAdmin(config, store, logger);
    // The metrics observe the mirror, and the mirror reports its query times to the metrics.
    const observed: { reader?: MirrorReader } = {};
    const metrics = new AppMetrics(async () =>
      observed.reader ? (await observed.reader.freshness()).syncedBlock : undefined,
    );
    const reader = new MirrorReader(
      mirrorConnection,
      config.FABRIC_CHANNEL,
      config.FABRIC_CHAINCODE,
      (query, seconds) => metrics.mirrorDuration.observe({ query }, seconds),
      config.MIRROR_STATEMENT_TIMEOUT_MS,
      { pollMs: config.MIRROR_WAIT_POLL_MS, maxWaiters: config.MIRROR_MAX_WAITERS },
    );
    mirror = reader;
    observed.reader = reader;
    const dapp = new DappClient({
      url: config.DAPP_URL,
      apiKey: config.DAPP_API_KEY,
      timeoutMs: config.DAPP_TIMEOUT_MS,
      channel: config.FABRIC_CHANNEL,
      chaincode: config.FABRIC_CHAINCODE,
      observe: (operation, outcome, seconds) =>
        metrics.dappDuration.observe({ operation, outcome }, seconds),
    });
    const tokens = new AccessTokens(config.jwtSecret, {
      issuer: config.APP_API_JWT_ISSUER,
      audience: config.APP_API_JWT_AUDIENCE,
      ttlSeconds: config.APP_API_ACCESS_TOKEN_TTL_S,
    });
    const recorder = new AuditRecorder(store.audit, logger, metrics);
    const events = new EventStreams(
      store.events,
      reader.pool,
      streamAuthenticator(tokens, store.users),
      logger,
      eventSettings(config),
      metrics.registry,
    );
    const app = createApp({
      events: events.routeDependencies(),
      store,
      mirror: reader,
      dapp,
      auth: new AuthService(store.users, store.sessions, tokens, {
        passwordCost: config.APP_API_PASSWORD_COST,
        lockoutThreshold: config.APP_API_LOCKOUT_THRESHOLD,
        lockoutMs: config.APP_API_LOCKOUT_MS,
      }),
      logger,
      passwordCost: config.APP_API_PASSWORD_COST,
      userIdentities: config.APP_API_USER_IDENTITIES,
      waitTimeoutMs: config.APP_API_WAIT_TIMEOUT_MS,
      tokens,
      metrics,
      recorder,
      // Reads need the mirror and every request needs the own database. The DAPP is not a
      // readiness condition: without it writes fail with 503 while reads go on.
      checks: {
        postgres: async () => {
          await store.ping();
          return true;
        },
        mirror: async () => {
          await reader.ping();
          return true;
        },
      },
      rateLimits: {
        windowMs: config.RATE_LIMIT_WINDOW_MS,
        perIp: config.RATE_LIMIT_PER_IP,
        perUser: config.RATE_LIMIT_PER_USER,
        loginPerIp: config.RATE_LIMIT_LOGIN_PER_IP,
      },
      corsOrigins: config.CORS_ORIGINS,
      bodyLimit: config.APP_API_BODY_LIMIT,
      trustProxy: config.trustProxy,
    });
    const settler = new WriteSettler({
      writes: store.writes,
      dapp,
      intervalMs: config.APP_API_SETTLE_INTERVAL_MS,
      idleMs: config.DAPP_TIMEOUT_MS,
      logger,
    });
    const server = http.createServer(app);
    const port = await listen(server, config.PORT, config.HOST);
    settler.start();
    events.start(server);
    const reachable = await dapp.reachable();
    if (reachable !== true)
      logger.warn(
        { dapp: config.DAPP_URL, reason: reachable },
        'DAPP not reachable yet; writes will answer 503 until it is',
      );
    logger.info(
      { port, dapp: config.DAPP_URL, channel: config.FABRIC_CHANNEL },
      'app-api listening',
    );
    const shutdownSteps: ShutdownStep[] = [
      // Stream clients are told the service restarts, so they reconnect to another replica.
      { name: 'close event streams', run: () => events.stop() },
      { name: 'stop accepting requests', run: () => closeServer(server) },
      { name: 'stop settling writes', run: () => settler.stop() },
      { name: 'close DAPP connections', run: () => dapp.close() },
      { name: 'finish audit writes', run: () => recorder.flush() },
      { name: 'close mirror connections', run: () => reader.close() },
      { name: 'close database', run: () => store.close() },
    ];
    return {
      port,
      store,
      mirror: reader,
      metrics,
      recorder,
      events,
      shutdownSteps,
      stop: stopOnce(logger, shutdownSteps),
    };
  } catch (error) {
    await mirror?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw error;
  }
}
