// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';

import type { Logger, ReadinessChecks, ShutdownStep } from '@consortia/common';
import { closeServer, listen, stopOnce } from '@consortia/common';
import type { Kafka, Producer } from 'kafkajs';

import type { DappConfig } from './config';
import { servedChaincodes, servedChannels } from './config';
import { accessFrom } from './access/access';
import { FabricSubmitter } from './fabric/fabric-submitter';
import { loadIdentities, type SigningIdentity } from './fabric/identity';
import { openUserIdentities } from './fabric/user-identities';
import { MetadataCache } from './fabric/metadata';
import type { Submitter } from './fabric/submitter';
import { createApp } from './http/app';
import { BodyValidator } from './http/openapi';
import { DappMetrics } from './metrics';
import { registerUserCertificateExpiry } from './user-certificate-metrics';
import { QueuePublisher, ensureTopics, kafkaFor, topicsFrom } from './queue/kafka';
import type { RetryPolicy } from './queue/retry';
import { QueuedRequestVerifier } from './queue/verify';
import { QueueWorker, consumerGroupFor } from './queue/worker';
import { Reconciler } from './reconcile/reconciler';
import { SyncRequestResumer } from './reconcile/resume';
import type { OpenedStore } from './store/database';
import { openStore } from './store/database';
import { RequestClaims } from './store/request-claims';

export type Role = 'serve' | 'worker';

export interface ServiceOverrides {
  /** Replaces the fabric-gateway submitter (tests without a Fabric network). */
  submitter?: Submitter;
}

export interface RunningService {
  /** The HTTP port actually bound (PORT 0 picks a free one); undefined for a worker. */
  port: number | undefined;
  tlsPort: number | undefined;
  metrics: DappMetrics;
  /** In order: stop accepting, drain and commit, close connections. */
  shutdownSteps: ShutdownStep[];
  stop(): Promise<void>;
}

export function retryPolicyFrom(config: DappConfig): RetryPolicy {
  return {
    maxAttempts: config.RETRY_MAX_ATTEMPTS,
    baseDelayMs: config.RETRY_BASE_DELAY_MS,
    maxDelayMs: config.RETRY_MAX_DELAY_MS,
  };
}

/** Queued requests: nobody waits on them, so transient failures are retried for a window. */
export function asyncRetryPolicyFrom(config: DappConfig): RetryPolicy {
  const policy = retryPolicyFrom(config);
  return config.ASYNC_RETRY_WINDOW_MS > 0
    ? { ...policy, windowMs: config.ASYNC_RETRY_WINDOW_MS }
    : policy;
}

/**
 * Starts the DAPP: the HTTP API with an in-process worker (`serve`), or only a worker (`worker`).
 * Everything started is stopped by the returned steps, in reverse order of dependency.
 */
export async function startService(
  config: DappConfig,
  logger: Logger,
  role: Role,
  overrides: ServiceOverrides = {},
): Promise<RunningService> {
  const closers: ShutdownStep[] = [];
  const servers: http.Server[] = [];
  const cleanUp = async () => {
    for (const step of closers.reverse()) await step.run().catch(() => undefined);
  };
  try {
    const opened: OpenedStore = await openStore(config, logger);
    closers.push({
      name: 'close database',
      run: async () => {
        await opened.store.close();
        await opened.database?.stop();
      },
    });
    const { store } = opened;
    // The configured identities and the users' (from the vault): the gateways sign from this map.
    const signing = overrides.submitter
      ? new Map<string, SigningIdentity>()
      : loadIdentities(config);
    const userIdentities = await openUserIdentities(config, opened.connection, signing, logger);
    if (userIdentities) {
      closers.push({ name: 'close identity vault', run: () => userIdentities.close() });
    }
    const submitter = overrides.submitter ?? FabricSubmitter.fromConfig(config, signing);
    // Asked on every request: a lookup, not a list of every identity (users' included).
    const access = accessFrom(config, (name) => signing.has(name) || submitter.hasIdentity(name));
    closers.push({ name: 'close Fabric connections', run: async () => submitter.close() });
    const storeId = await store.storeId();
    const metrics = new DappMetrics(
      () => store.unfinishedCount(),
      () => store.unfinishedCounts(config.RECONCILE_STUCK_MS),
    );
    registerUserCertificateExpiry(metrics.registry, signing);
    const topics = topicsFrom(config);
    const retryPolicy = retryPolicyFrom(config);

    let kafka: Kafka | undefined;
    let producer: Producer | undefined;
    let publisher: QueuePublisher | undefined;
    if (config.KAFKA_BROKERS.length > 0) {
      kafka = kafkaFor(config, logger);
      const admin = kafka.admin();
      await admin.connect();
      try {
        await ensureTopics(admin, topics, config.KAFKA_PARTITIONS, config.KAFKA_REPLICATION_FACTOR);
      } finally {
        await admin.disconnect();
      }
      producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const connected = producer;
      closers.push({ name: 'disconnect Kafka producer', run: () => connected.disconnect() });
      publisher = new QueuePublisher(producer, topics);
    } else if (role === 'worker') {
      throw new Error('the worker needs KAFKA_BROKERS');
    }

    let worker: QueueWorker | undefined;
    if (kafka && publisher && (role === 'worker' || config.DAPP_IN_PROCESS_WORKER)) {
      const claims = new RequestClaims(opened.connection, logger);
      worker = new QueueWorker({
        kafka,
        claims,
        groupId: consumerGroupFor(config.KAFKA_GROUP_ID, storeId),
        storeId,
        topics,
        store,
        verifier: new QueuedRequestVerifier(store, access.policy, access.vault),
        submitter,
        publisher,
        concurrency: config.WORKER_CONCURRENCY,
        sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
        retryPolicy: asyncRetryPolicyFrom(config),
        logger,
        metrics,
      });
      const running = worker;
      closers.push({
        name: 'drain worker and commit offsets',
        run: async () => {
          await running.stop();
          await claims.close();
        },
      });
    }

    const reconciler = new Reconciler({
      store,
      submitter,
      publisher,
      resumer: new SyncRequestResumer({
        store,
        submitter,
        verifier: new QueuedRequestVerifier(store, access.policy, access.vault),
        retryPolicy,
        logger,
        metrics,
      }),
      intervalMs: config.RECONCILE_INTERVAL_MS,
      idleMs: config.RECONCILE_GRACE_MS,
      commitTimeoutMs:
        config.FABRIC_SUBMIT_TIMEOUT_MS +
        config.FABRIC_COMMIT_TIMEOUT_MS +
        config.RECONCILE_GRACE_MS,
      logger,
      metrics,
    });
    reconciler.start();
    closers.push({ name: 'stop reconciler', run: () => reconciler.stop() });

    let port: number | undefined;
    let tlsPort: number | undefined;
    if (role === 'serve') {
      const kafkaAdmin = kafka?.admin();
      if (kafkaAdmin) await kafkaAdmin.connect();
      const checks: ReadinessChecks = {
        fabric: () => submitter.ready(),
        postgres: async () => {
          await store.ping();
          return true;
        },
      };
      if (kafkaAdmin) {
        checks.kafka = async () => {
          const cluster = await kafkaAdmin.describeCluster();
          return cluster.brokers.length > 0 ? true : 'no Kafka broker answered';
        };
        closers.push({ name: 'disconnect Kafka admin', run: () => kafkaAdmin.disconnect() });
      }
      const app = createApp({
        channels: servedChannels(config),
        chaincodes: servedChaincodes(config),
        defaultChannel: config.FABRIC_CHANNEL,
        catalogs: new MetadataCache(
          (channel, chaincode) => submitter.metadata(channel, chaincode),
          config.FABRIC_METADATA_TTL_MS,
        ),
        submitter,
        store,
        storeId,
        ledger: reconciler,
        publisher,
        retryPolicy,
        bodies: new BodyValidator(),
        metrics,
        logger,
        verifier: access.verifier,
        policy: access.policy,
        vault: access.vault,
        userIdentities: userIdentities?.administration,
        checks,
      });
      const server = http.createServer(app);
      servers.push(server);
      port = await listen(server, config.PORT, config.HOST);
      if (config.DAPP_TLS_PORT !== undefined) {
        if (!config.DAPP_TLS_CERT_FILE || !config.DAPP_TLS_KEY_FILE) {
          throw new Error('DAPP_TLS_PORT needs DAPP_TLS_CERT_FILE and DAPP_TLS_KEY_FILE');
        }
        const tlsServer = https.createServer(
          {
            cert: fs.readFileSync(config.DAPP_TLS_CERT_FILE),
            key: fs.readFileSync(config.DAPP_TLS_KEY_FILE),
            ...(config.DAPP_TLS_CLIENT_CA_FILE
              ? {
                  ca: fs.readFileSync(config.DAPP_TLS_CLIENT_CA_FILE),
                  requestCert: true,
                  // Unverified certificates are not refused at the handshake; they simply do
                  // not authenticate, and the caller may still present an API key.
                  rejectUnauthorized: false,
                }
              : {}),
          },
          app,
        );
        servers.push(tlsServer);
        tlsPort = await listen(tlsServer, config.DAPP_TLS_PORT, config.HOST);
      }
      logger.info({ port, tlsPort }, 'DAPP listening');
    }
    // Joining the consumer group waits out a crashed predecessor's session (tens of seconds); the
    // front door accepts and answers meanwhile, and queued requests wait in Kafka.
    await worker?.start();

    const shutdownSteps: ShutdownStep[] = [
      {
        name: 'stop accepting requests',
        run: async () => {
          await Promise.all(servers.map(closeServer));
        },
      },
      ...[...closers].reverse(),
    ];
    return {
      port,
      tlsPort,
      metrics,
      shutdownSteps,
      stop: stopOnce(logger, shutdownSteps),
    };
  } catch (error) {
    await Promise.all(servers.map(closeServer)).catch(() => undefined);
    await cleanUp();
    throw error;
  }
}
