// SPDX-License-Identifier: Apache-2.0
// The whole write and read path on the shared real Fabric network: the DAPP (sync, and async
// through Kafka) with one signing identity per portal role, datasync mirroring the channel into
// Postgres, and the app-api in front of both. Used by the real-network suite and the benchmark.
import crypto from 'node:crypto';
import path from 'node:path';

import { cryptogenClientMsp } from '@consortia/common/testing';
import {
  hashApiKey,
  readConfig as readDappConfig,
  startService as startDapp,
} from '@consortia/dapp';
import type { RunningService as RunningDapp } from '@consortia/dapp';
import type { RunningService as RunningDatasync } from '@consortia/datasync';
import { HOST, orgUserDir } from '@consortia/network';
import type { TestNetwork } from '@consortia/network/testing';
import { sharedTestNetwork } from '@consortia/network/testing';

import { networkServiceEnv } from './network-env';
import type { TestApi, TestDatabases } from './stack';
import {
  appApiEnv,
  quietLogger,
  startAppApi,
  startDatabases,
  startMirror,
  tempDir,
  waitUntil,
} from './stack';

export interface RealStack {
  network: TestNetwork;
  databases: TestDatabases;
  dapp: RunningDapp;
  dappBase: string;
  dappKey: string;
  datasync: RunningDatasync;
  api: TestApi;
  /**
   * DAPP identity names: the org's User1 (also the default), its Admin user, and a client
   * identity of this run alone (no other suite debits its token account concurrently).
   */
  identities: { user: string; admin: string; own: string };
  /** Stops datasync and starts it again on the same mirror (it goes on after its last block). */
  restartDatasync(): Promise<void>;
  /** Stops the in-process datasync for good (a test then runs datasync as a process of its own). */
  stopDatasync(): Promise<void>;
  /** datasync's settings on this stack (mirror database and network), for such a process. */
  datasyncEnv: NodeJS.ProcessEnv;
  /** The DAPP's and the app-api's settings on this stack, to run more of them as processes. */
  dappEnv: NodeJS.ProcessEnv;
  apiEnv: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export async function startRealStack(
  prefix: string,
  adminUser: { username: string; password: string },
  log: (message: string) => void,
): Promise<RealStack> {
  const network = await sharedTestNetwork(log);
  const { topology, org, chaincode } = network;
  const channel = topology.options.channel;
  const userMsp = path.join(orgUserDir(topology, org), 'msp');
  const adminMsp = path.join(orgUserDir(topology, org, 'Admin'), 'msp');
  const env = networkServiceEnv(topology, org, chaincode);
  const databases = await startDatabases(prefix);
  const stops: (() => Promise<void>)[] = [() => databases.stop()];
  const stop = async () => {
    for (const step of stops.reverse())
      await step().catch((error: unknown) => log(`stop: ${String(error)}`));
  };
  try {
    // Topic and group names of this run only: other suites share the network's Kafka broker.
    const run = crypto.randomBytes(4).toString('hex');
    const ownMsp = cryptogenClientMsp(
      path.join(topology.paths.crypto, 'peerOrganizations', org.domain, 'ca'),
      org.domain,
      `portal-${run}`,
      tempDir(`${prefix}-identity`),
    );
    // The app-api signs as each user's identity: its key is allowed every one it may assign.
    const key = await hashApiKey('app-api', undefined, ['default', 'user', 'orgadmin', 'own']);
    const dappEnv: NodeJS.ProcessEnv = {
      ...env.dapp,
      FABRIC_IDENTITIES: `user=${userMsp},orgadmin=${adminMsp},own=${ownMsp}`,
      DAPP_API_KEYS: key.entry,
      DAPP_TRANSIENT_KEY: crypto.randomBytes(32).toString('base64'),
      DATABASE_URL: await databases.extraUrl('dapp'),
      KAFKA_BROKERS: topology.kafka ? `${HOST}:${topology.kafka.port}` : '',
      KAFKA_TOPIC: `app-api-test.${run}.requests`,
      KAFKA_RESULTS_TOPIC: `app-api-test.${run}.results`,
      KAFKA_DLQ_TOPIC: `app-api-test.${run}.dlq`,
      KAFKA_GROUP_ID: `app-api-test-${run}`,
      KAFKA_CLIENT_ID: `app-api-test-${run}`,
      KAFKA_PARTITIONS: '2',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
    };
    const dapp = await startDapp(readDappConfig(dappEnv), quietLogger('dapp-test'), 'serve');
    stops.push(() => dapp.stop());
    const dappBase = `http://127.0.0.1:${dapp.port ?? 0}`;
    const datasyncEnv = env.datasync;
    let datasync = await startMirror(databases.mirrorUrl, undefined, datasyncEnv);
    let datasyncRunning = true;
    const stopDatasync = async () => {
      if (!datasyncRunning) return;
      datasyncRunning = false;
      for (const step of datasync.shutdownSteps) await step.run();
    };
    stops.push(stopDatasync);
    const apiEnv = appApiEnv(databases, {
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DAPP_URL: dappBase,
      DAPP_API_KEY: key.key,
      FABRIC_CHANNEL: channel,
      FABRIC_CHAINCODE: chaincode,
      APP_API_ADMIN_USERNAME: adminUser.username,
      APP_API_ADMIN_PASSWORD: adminUser.password,
      APP_API_ADMIN_IDENTITY: 'orgadmin',
      APP_API_WAIT_TIMEOUT_MS: '30000',
      RATE_LIMIT_PER_USER: '100000',
      RATE_LIMIT_PER_IP: '100000',
    });
    const api = await startAppApi(apiEnv, quietLogger());
    stops.push(() => api.stop());
    // The mirror starts from block 0 of a channel other suites have written to; reads that
    // need a given block ask for it with minBlock or wait=true.
    await waitUntil(
      'datasync to mirror the channel',
      async () => (await api.service.mirror.freshness()).syncedBlock >= 1,
      300_000,
    );
    return {
      network,
      databases,
      dapp,
      dappBase,
      dappKey: key.key,
      get datasync() {
        return datasync;
      },
      api,
      identities: { user: 'user', admin: 'orgadmin', own: 'own' },
      restartDatasync: async () => {
        await stopDatasync();
        datasync = await startMirror(databases.mirrorUrl, undefined, datasyncEnv);
        datasyncRunning = true;
      },
      stopDatasync,
      datasyncEnv: { ...datasyncEnv, DATABASE_URL: databases.mirrorUrl },
      dappEnv,
      apiEnv,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
