// SPDX-License-Identifier: Apache-2.0
/**
 * The fault suite's own consortium: a network in its own state dir and port range, the business
 * chaincode, the token, and the four services exactly as `consortia start` runs them.
 */
import crypto from 'node:crypto';
import path from 'node:path';

import {
  consortiaHome,
  deployChaincode,
  down,
  ensureTokenInitialized,
  firstOrg,
  loadNetwork,
  localCredentials,
  localServices,
  REPOSITORY_ROOT,
  runCommand,
  startLocalServices,
  up,
  writeManifest,
} from '@consortia/network';
import type { Consensus, LocalCredentials, LocalService, Topology } from '@consortia/network';

import { AppApiClient, DappClient } from './clients';

export const FAULTS_CHAINCODE = 'consortia';
/**
 * The app-api users the load writes as: its per-user rate limit is meant for one person, and a
 * portal's traffic comes from many.
 */
const APP_API_USERS = ['faults-1', 'faults-2', 'faults-3'];

export interface Stack {
  home: string;
  stateDir: string;
  topology: Topology;
  services: LocalService[];
  credentials: LocalCredentials;
  dapp: DappClient;
  /** The first app-api user's client (setup, the mirror's position). */
  appApi: AppApiClient;
  /** One client per app-api user; the load spreads its requests over them. */
  appApis: AppApiClient[];
  /** The token account of the identity both clients write as (Org1's first user). */
  account: string;
}

export function serviceOf(stack: Stack, name: LocalService['name']): LocalService {
  const service = stack.services.find((candidate) => candidate.name === name);
  if (!service) throw new Error(`${name} is not running`);
  return service;
}

/** Brings the stack up; on failure, stops what it started and removes the state dir. */
export async function startStack(
  options: { consensus: Consensus; basePort: number; stateDir: string },
  progress: (message: string) => void,
): Promise<Stack> {
  const home = consortiaHome();
  try {
    const { topology } = await up(
      home,
      {
        consensus: options.consensus,
        orgs: 2,
        peersPerOrg: 2,
        basePort: options.basePort,
        stateDir: options.stateDir,
      },
      progress,
    );
    const { manifest } = loadNetwork(options.stateDir);
    if (!manifest.chaincodes.some((deployed) => deployed.name === FAULTS_CHAINCODE)) {
      await deployChaincode({ home, topology, progress, started: [] }, manifest, {
        path: path.join(REPOSITORY_ROOT, 'chaincode'),
        name: FAULTS_CHAINCODE,
      });
      writeManifest(topology.paths.manifest, manifest);
    }
    await ensureTokenInitialized(topology, firstOrg(topology), FAULTS_CHAINCODE);
    const credentials = await localCredentials(options.stateDir);
    progress('starting the DAPP, datasync, the app-api and the explorer');
    const services = await startLocalServices(
      topology,
      localServices(topology, FAULTS_CHAINCODE, credentials),
      [],
    );
    const named = (name: string) => services.find((service) => service.name === name);
    const dappService = named('dapp');
    const appApiService = named('app-api');
    if (!dappService || !appApiService || !named('datasync')) {
      throw new Error('the DAPP, datasync and the app-api must be built (`npx tsc -b`)');
    }
    const dapp = new DappClient(dappService.url, credentials.dapp.key, topology.options.channel);
    const appApis: AppApiClient[] = [];
    for (const username of APP_API_USERS) {
      const password = crypto.randomBytes(18).toString('base64url');
      await createAdmin(appApiService, username, password);
      const client = new AppApiClient(appApiService.url);
      await client.login(username, password);
      appApis.push(client);
    }
    const [appApi] = appApis;
    if (!appApi) throw new Error('no app-api user');
    const account = await appApi.account();
    return {
      home,
      stateDir: options.stateDir,
      topology,
      services,
      credentials,
      dapp,
      appApi,
      appApis,
      account,
    };
  } catch (error) {
    await stopStack(options.stateDir);
    throw error;
  }
}

/** The app-api's first administrator, made with its own command line as `npm start` says. */
async function createAdmin(
  service: LocalService,
  username: string,
  password: string,
): Promise<void> {
  const result = await runCommand(
    process.execPath,
    [
      path.join(service.workspace, 'dist', 'index.js'),
      'create-admin',
      '--username',
      username,
      '--password-stdin',
    ],
    { input: password, env: { ...process.env, ...service.env }, cwd: service.workspace },
  );
  if (result.code !== 0 && !/exists/i.test(`${result.stdout}${result.stderr}`)) {
    throw new Error(`create-admin failed:\n${result.stdout}\n${result.stderr}`);
  }
}

/** Stops every process of the stack and deletes its state dir. */
export async function stopStack(stateDir: string): Promise<void> {
  await down(stateDir, true).catch(() => undefined);
}
