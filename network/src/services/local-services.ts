// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { embeddedPassword } from '@consortia/common';
import { onlyFile } from '@consortia/common/fabric';

import { registrarMspDir } from '../ca/client';
import { caEndpoint, caOrgOf } from '../ca/layout';
import { UserError } from '../errors';
import { runCommand } from '../process/run-command';
import { REPOSITORY_ROOT } from '../repository';
import { assertPortsFree } from '../process/ports';
import type { PidRecord } from '../process/supervisor';
import { isOurs, readPidRecord } from '../process/supervisor';
import { ensureRunning } from '../process/daemon';
import { httpOk } from '../process/wait';
import type { Org, Topology } from '../topology/topology';
import type { LocalServiceName } from '../topology/topology';
import {
  firstOrg,
  HOST,
  kafkaDir,
  networkPorts,
  orgTlsCaFile,
  orgUserDir,
  servicePorts,
  TLS_HOST_NAME,
} from '../topology/topology';
import type { ClientCredentials, KafkaClientUser } from '../kafka/client-listener';
import { kafkaClientEnv, readClientCredentials } from '../kafka/client-listener';

/**
 * A service workspace `consortia start` runs beside the network, on a port from the network's
 * range and with its own embedded Postgres under the state dir.
 */
export interface LocalService {
  name: LocalServiceName;
  workspace: string;
  port: number;
  url: string;
  env: Record<string, string>;
}

/** The MSP folder's file, or a `missing` path that the service's own start-up check names. */
function mspFile(dir: string): string {
  try {
    return onlyFile(dir);
  } catch {
    return path.join(dir, 'missing');
  }
}

/** Secrets the local services share, made once per state dir and kept readable by its owner. */
export interface LocalCredentials {
  dapp: LocalApiKey;
  /** Signs the app-api's access tokens. */
  appApiJwtSecret: string;
  explorer: { user: string; password: string; passwordHash: string; sessionSecret: string };
  /** The DAPP's and datasync's users on the Kafka client listener, when the network runs one. */
  kafka?: ClientCredentials;
}

export function servicesDir(topology: Topology): string {
  return path.join(topology.options.stateDir, 'services');
}

/** datasync's embedded Postgres keeps its data here; the explorer and the app-api read it. */
function datasyncDataDir(topology: Topology): string {
  return path.join(servicesDir(topology), 'datasync', 'postgres');
}

/** The app-api's own embedded Postgres (users, roles, audit trail). */
export function appApiDataDir(topology: Topology): string {
  return path.join(servicesDir(topology), 'app-api');
}

/** Connection URL of the ledger mirror that datasync writes. */
export function mirrorDatabaseUrl(topology: Topology): string {
  const password = encodeURIComponent(embeddedPassword(datasyncDataDir(topology)));
  const port = servicePorts(topology).datasync.postgres;
  return `postgres://postgres:${password}@${HOST}:${String(port)}/datasync`;
}

/** What a service of `org` is told about the network: the org's peers, its first user, the channel. */
export function serviceFabricEnv(
  topology: Topology,
  org: Org,
  chaincode: string,
): Record<string, string> {
  const msp = path.join(orgUserDir(topology, org), 'msp');
  return {
    FABRIC_MSP_ID: org.mspId,
    FABRIC_CHANNEL: topology.options.channel,
    FABRIC_CHAINCODE: chaincode,
    FABRIC_PEER_ENDPOINTS: org.peers.map((peer) => `${HOST}:${peer.port}`).join(','),
    FABRIC_TLS_CA_FILE: orgTlsCaFile(topology, org),
    FABRIC_TLS_SERVER_NAME: TLS_HOST_NAME,
    FABRIC_CERT_FILE: mspFile(path.join(msp, 'signcerts')),
    FABRIC_KEY_FILE: mspFile(path.join(msp, 'keystore')),
    LOG_LEVEL: 'info',
  };
}

/** What each service is told about the network: org 1's peers, its first user, the channel. */
export function localServices(
  topology: Topology,
  chaincode: string,
  credentials: LocalCredentials,
): LocalService[] {
  const ports = servicePorts(topology);
  const fabric = serviceFabricEnv(topology, firstOrg(topology), chaincode);
  const kafka = (user: KafkaClientUser): Record<string, string> => {
    const node = topology.kafka;
    if (!node) return {};
    const { clientPort } = node;
    // the services' own listener: TLS, and SCRAM credentials limited by ACLs to their topics
    if (clientPort === undefined) return { KAFKA_BROKERS: `${HOST}:${node.port}` };
    if (!credentials.kafka) {
      throw new UserError(
        `the Kafka client credentials of ${topology.options.stateDir} are missing`,
        'bring the network up first (`consortia up`), which makes them',
      );
    }
    return kafkaClientEnv({ ...node, clientPort }, user, credentials.kafka);
  };
  const service = (name: LocalServiceName, env: Record<string, string>): LocalService => ({
    name,
    workspace: path.join(REPOSITORY_ROOT, name),
    port: ports[name].http,
    url: `http://${HOST}:${ports[name].http}`,
    env: { ...fabric, PORT: String(ports[name].http), HOST, ...env },
  });
  // name=URL, so the explorer shows each node under its network name
  const operationsUrls = (nodes: readonly { name: string; operationsPort: number }[]) =>
    nodes.map((node) => `${node.name}=http://${HOST}:${node.operationsPort}`).join(',');
  const ownIdentities = userIdentitiesEnv(topology);
  return [
    service('dapp', {
      ...kafka('dapp'),
      ...ownIdentities.dapp,
      DAPP_API_KEYS: credentials.dapp.entry,
      DAPP_TRANSIENT_KEY: dappTransientKey(topology),
      DAPP_DATA_DIR: path.join(servicesDir(topology), 'dapp', 'postgres'),
      DAPP_EMBEDDED_PG_PORT: String(ports.dapp.postgres),
    }),
    service('datasync', {
      ...kafka('datasync'),
      DATASYNC_DATA_DIR: datasyncDataDir(topology),
      DATASYNC_EMBEDDED_PG_PORT: String(ports.datasync.postgres),
    }),
    service('app-api', {
      APP_API_DATA_DIR: appApiDataDir(topology),
      APP_API_EMBEDDED_PG_PORT: String(ports['app-api'].postgres),
      APP_API_JWT_SECRET: credentials.appApiJwtSecret,
      MIRROR_DATABASE_URL: mirrorDatabaseUrl(topology),
      DAPP_URL: `http://${HOST}:${ports.dapp.http}`,
      DAPP_API_KEY: credentials.dapp.key,
      ...ownIdentities.appApi,
    }),
    service('explorer', {
      DATABASE_URL: mirrorDatabaseUrl(topology),
      PEER_OPERATIONS_URLS: operationsUrls(topology.orgs.flatMap((each) => each.peers)),
      ORDERER_OPERATIONS_URLS: operationsUrls(topology.orderers),
      EXPLORER_OPERATOR_USER: credentials.explorer.user,
      EXPLORER_OPERATOR_PASSWORD_HASH: credentials.explorer.passwordHash,
      EXPLORER_SESSION_SECRET: credentials.explorer.sessionSecret,
    }),
  ];
}

/** A secret of the state dir: made once, readable by its owner. */
function keptSecret(topology: Topology, name: string, make: () => string): string {
  const file = path.join(servicesDir(topology), name);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const secret = make();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Seals the DAPP's queued transient data (DAPP_TRANSIENT_KEY). */
export function dappTransientKey(topology: Topology): string {
  return keptSecret(topology, 'dapp-transient-key', () =>
    crypto.randomBytes(32).toString('base64'),
  );
}

/**
 * On a network of CAs every app-api user gets their own Fabric identity: the DAPP enrolls it at
 * org 1's intermediate CA as its registrar and keeps the key sealed under a key of the state dir.
 */
function userIdentitiesEnv(topology: Topology): {
  dapp: Record<string, string>;
  appApi: Record<string, string>;
} {
  if (topology.options.crypto !== 'ca') return { dapp: {}, appApi: {} };
  const intermediate = caOrgOf(topology, firstOrg(topology)).intermediate;
  const endpoint = caEndpoint(intermediate);
  const registrar = registrarMspDir(intermediate);
  return {
    dapp: {
      FABRIC_IDENTITY_KEKS: keptSecret(
        topology,
        'dapp-identity-keks',
        () => `k1:${crypto.randomBytes(32).toString('base64')}`,
      ),
      FABRIC_CA_URL: endpoint.url,
      FABRIC_CA_TLS_CA_FILE: endpoint.tlsRootsFile,
      FABRIC_CA_TLS_SERVER_NAME: endpoint.serverName,
      FABRIC_CA_REGISTRAR_CERT_FILE: path.join(registrar, 'signcerts', 'cert.pem'),
      FABRIC_CA_REGISTRAR_KEY_FILE: path.join(registrar, 'keystore', 'priv_sk'),
    },
    appApi: { APP_API_USER_IDENTITIES: 'true' },
  };
}

export interface LocalApiKey {
  /** What callers send (x-api-key); kept in the state dir, readable by its owner only. */
  key: string;
  /** Its DAPP_API_KEYS entry (name:hash:identities). */
  entry: string;
}

/**
 * What the app-api's key may do: sign as the default identity and as each user's own, and
 * enroll and revoke users' identities (the DAPP answers 503 for those without a CA).
 */
const LOCAL_KEY_SCOPE = ['default', '@users', '@identity-admin'];

/** The local DAPP's API key: made once with the DAPP's own `hash-key`, then reused. */
export async function localApiKey(stateDir: string): Promise<LocalApiKey> {
  const file = path.join(stateDir, 'services', 'dapp-api-key.json');
  const kept = readJson<LocalApiKey>(file);
  if (kept?.entry.endsWith(`:${LOCAL_KEY_SCOPE.join('|')}`)) return kept;
  if (kept) {
    // a key made before users had identities of their own: same key, wider scope
    const { rescopeApiKeyEntry } = await import('@consortia/dapp');
    const rescoped = { key: kept.key, entry: rescopeApiKeyEntry(kept.entry, LOCAL_KEY_SCOPE) };
    fs.writeFileSync(file, `${JSON.stringify(rescoped, null, 2)}\n`, { mode: 0o600 });
    return rescoped;
  }
  const result = await runCommand(process.execPath, [
    path.join(REPOSITORY_ROOT, 'dapp', 'dist', 'index.js'),
    'hash-key',
    '--name',
    'local',
    '--key',
    `local.${crypto.randomBytes(24).toString('base64url')}`,
    '--identities',
    LOCAL_KEY_SCOPE.join(','),
  ]);
  const value = (label: RegExp) =>
    result.stdout
      .split('\n')
      .find((line) => label.test(line))
      ?.split(': ')
      .pop()
      ?.trim();
  const key = value(/^API key/);
  const entry = value(/^DAPP_API_KEYS entry/);
  if (result.code !== 0 || !key || !entry) {
    throw new UserError(
      `could not make the DAPP's API key:\n${result.stdout}\n${result.stderr}`.trim(),
    );
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ key, entry }, null, 2)}\n`, { mode: 0o600 });
  return { key, entry };
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- callers name the shape of the file they wrote
function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

const randomSecret = () => crypto.randomBytes(32).toString('base64url');

/**
 * The app-api's token key and the explorer's operator login: made once (the password hash by the
 * explorer's own `hash-password`), then reused so sessions and logins survive a restart.
 */
export async function localCredentials(stateDir: string): Promise<LocalCredentials> {
  const dapp = await localApiKey(stateDir);
  // made by the broker's preparation (consortia up); absent under Raft ordering
  const kafka = readClientCredentials({ dir: kafkaDir(stateDir) });
  const file = path.join(stateDir, 'services', 'credentials.json');
  const kept = readJson<Omit<LocalCredentials, 'dapp' | 'kafka'>>(file);
  if (kept?.appApiJwtSecret && kept.explorer?.passwordHash) return { dapp, ...kept, kafka };

  const password = crypto.randomBytes(12).toString('base64url');
  const hashed = await runCommand(
    process.execPath,
    [path.join(REPOSITORY_ROOT, 'explorer', 'dist', 'index.js'), 'hash-password'],
    { input: `${password}\n` },
  );
  const passwordHash = hashed.stdout.trim().split('\n').pop()?.trim();
  if (hashed.code !== 0 || !passwordHash) {
    throw new UserError(
      `could not hash the explorer's operator password:\n${hashed.stdout}\n${hashed.stderr}`.trim(),
      'build the workspaces (`npx tsc -b`), then run `npm start` again',
    );
  }
  const made = {
    appApiJwtSecret: randomSecret(),
    explorer: { user: 'operator', password, passwordHash, sessionSecret: randomSecret() },
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(made, null, 2)}\n`, { mode: 0o600 });
  return { dapp, ...made, kafka };
}

/** Every service's default shutdown deadline (SHUTDOWN_TIMEOUT_MS): it exits 1 past it. */
const SERVICE_SHUTDOWN_MS = 30_000;

/** Starts each built service workspace (unless ours already runs) and waits for its /healthz. */
export async function startLocalServices(
  topology: Topology,
  services: readonly LocalService[],
  started: PidRecord[],
  run: ServiceRunner = runService,
): Promise<LocalService[]> {
  const running: LocalService[] = [];
  const ours = (name: string) => {
    const record = readPidRecord(topology.paths.run, name);
    return record !== undefined && isOurs(record);
  };
  // Checked here rather than by `up`, which starts only the nodes.
  await assertPortsFree(
    networkPorts(topology).filter(
      (use) => services.some((service) => service.name === use.process) && !ours(use.process),
    ),
  );
  for (const service of services) {
    if (await run(topology, service, started)) running.push(service);
  }
  return running;
}

/** How a service process is run: `runService`, or what a test puts in its place. */
export type ServiceRunner = (
  topology: Topology,
  service: { name: string; workspace: string; url: string; env: Record<string, string> },
  started: PidRecord[],
) => Promise<boolean>;

/**
 * Starts one built service workspace under `name` (unless ours already runs) and waits for its
 * /healthz; false when the workspace is not built.
 */
export async function runService(
  topology: Topology,
  service: { name: string; workspace: string; url: string; env: Record<string, string> },
  started: PidRecord[],
): Promise<boolean> {
  const entry = path.join(service.workspace, 'dist', 'index.js');
  if (!fs.existsSync(entry)) return false;
  await ensureRunning({
    spec: {
      name: service.name,
      command: process.execPath,
      args: [entry],
      cwd: service.workspace,
      env: { ...process.env, ...service.env },
      runDir: topology.paths.run,
      logDir: topology.paths.logs,
      // Killed only once its own shutdown deadline has passed.
      stopGraceMs: SERVICE_SHUTDOWN_MS + 5_000,
    },
    description: `${service.name} on ${service.url}/healthz`,
    ready: () => httpOk(`${service.url}/healthz`),
    timeoutMs: 60_000,
    started,
  });
  return true;
}
