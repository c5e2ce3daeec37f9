// SPDX-License-Identifier: Apache-2.0
/**
 * The stack the CA network tests run: the real DAPP (per-user identities at Org1's intermediate
 * CA), datasync mirroring the channel and the app-api, on the network caTestNetwork brings up.
 */
import crypto from 'node:crypto';

import type { RunningService as RunningDapp } from '@consortia/dapp';
import {
  hashApiKey,
  readConfig as readDappConfig,
  startService as startDapp,
} from '@consortia/dapp';
import type { RunningService as RunningDatasync } from '@consortia/datasync';
import type { Org, Topology } from '@consortia/network';
import { caTestNetwork } from '@consortia/network/testing';

import { networkServiceEnv } from '../support/network-env';
import type { LoggedIn, TestApi, TestDatabases } from '../support/stack';
import {
  appApiEnv,
  login,
  quietLogger,
  startAppApi,
  startDatabases,
  startMirror,
} from '../support/stack';

export const ADMIN = { username: 'root', password: 'first admin pass 2026' };

export interface CaStack {
  topology: Topology;
  org: Org;
  chaincode: string;
  channel: string;
  databases: TestDatabases;
  dapp: RunningDapp;
  api: TestApi;
  admin: LoggedIn;
  /** The app-api's key at the DAPP (default, @users, @identity-admin). */
  dappKey: string;
  /** The DAPP's FABRIC_IDENTITY_KEKS and database, where users' keys are sealed. */
  keks: string;
  dappDatabaseUrl: string;
  stop(): Promise<void>;
}

export async function startCaStack(): Promise<CaStack> {
  const { topology, org, chaincode, ca } = await caTestNetwork();
  const env = networkServiceEnv(topology, org, chaincode);
  const channel = topology.options.channel;
  const databases = await startDatabases('ca-identities');
  let dapp: RunningDapp | undefined;
  let datasync: RunningDatasync | undefined;
  let api: TestApi | undefined;
  const stop = async () => {
    await api?.stop();
    for (const step of datasync?.shutdownSteps ?? []) await step.run();
    await dapp?.stop();
    await databases.stop();
  };
  try {
    const key = await hashApiKey('app-api', undefined, ['default', '@users', '@identity-admin']);
    const keks = `k1:${crypto.randomBytes(32).toString('base64')}`;
    const dappDatabaseUrl = await databases.extraUrl('dapp');
    dapp = await startDapp(
      readDappConfig({
        ...env.dapp,
        FABRIC_IDENTITY_KEKS: keks,
        FABRIC_CA_URL: ca.url,
        FABRIC_CA_TLS_SERVER_NAME: ca.serverName,
        FABRIC_CA_TLS_CA_FILE: ca.tlsRootsFile,
        FABRIC_CA_REGISTRAR_CERT_FILE: ca.registrarCertFile,
        FABRIC_CA_REGISTRAR_KEY_FILE: ca.registrarKeyFile,
        DAPP_API_KEYS: key.entry,
        DATABASE_URL: dappDatabaseUrl,
      }),
      quietLogger('dapp-test'),
      'serve',
    );
    datasync = await startMirror(databases.mirrorUrl, undefined, env.datasync);
    api = await startAppApi(
      appApiEnv(databases, {
        DAPP_URL: `http://127.0.0.1:${dapp.port ?? 0}`,
        DAPP_API_KEY: key.key,
        FABRIC_CHANNEL: channel,
        FABRIC_CHAINCODE: chaincode,
        APP_API_ADMIN_USERNAME: ADMIN.username,
        APP_API_ADMIN_PASSWORD: ADMIN.password,
        APP_API_USER_IDENTITIES: 'true',
        APP_API_WAIT_TIMEOUT_MS: '60000',
      }),
    );
    const admin = await login(api.base, ADMIN.username, ADMIN.password);
    return {
      topology,
      org,
      chaincode,
      channel,
      databases,
      dapp,
      api,
      admin,
      dappKey: key.key,
      keks,
      dappDatabaseUrl,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
