import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../errors';
import { runCommand } from '../process/run-command';
import { REPOSITORY_ROOT } from '../repository';
import type { PidRecord } from '../process/supervisor';
import { ensureRunning } from '../process/daemon';
import { httpOk } from '../process/wait';
import type { Topology } from '../topology/topology';
import type { LocalServiceName } from '../topology/topology';
import { firstOrg, HOST, orgTlsCaFile, orgUserDir, servicePorts } from '../topology/topology';

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

function onlyFile(dir: string): string {
  const [file] = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  return file ? path.join(dir, file) : path.join(dir, 'missing');
}

/** What each service is told about the network: org 1's peers, its first user, the channel. */
export function localServices(
  topology: Topology,
  chaincode: string,
  apiKeyEntry: string,
): LocalService[] {
  const org = firstOrg(topology);
  const msp = path.join(orgUserDir(topology, org), 'msp');
  const ports = servicePorts(topology);
  const servicesDir = path.join(topology.options.stateDir, 'services');
  const fabric = {
    FABRIC_MSP_ID: org.mspId,
    FABRIC_CHANNEL: topology.options.channel,
    FABRIC_CHAINCODE: chaincode,
    FABRIC_PEER_ENDPOINTS: org.peers.map((peer) => `${HOST}:${peer.port}`).join(','),
    FABRIC_TLS_CA_FILE: orgTlsCaFile(topology, org),
    FABRIC_CERT_FILE: onlyFile(path.join(msp, 'signcerts')),
    FABRIC_KEY_FILE: onlyFile(path.join(msp, 'keystore')),
    LOG_LEVEL: 'info',
  };
  const kafka: Record<string, string> = topology.kafka
    ? { KAFKA_BROKERS: `${HOST}:${topology.kafka.port}` }
    : {};
  const service = (name: LocalServiceName, env: Record<string, string>): LocalService => ({
    name,
    workspace: path.join(REPOSITORY_ROOT, name),
    port: ports[name].http,
    url: `http://${HOST}:${ports[name].http}`,
    env: { ...fabric, ...kafka, PORT: String(ports[name].http), ...env },
  });
  return [
    service('dapp', {
      HOST,
      DAPP_API_KEYS: apiKeyEntry,
      DAPP_DATA_DIR: path.join(servicesDir, 'dapp', 'postgres'),
      DAPP_EMBEDDED_PG_PORT: String(ports.dapp.postgres),
    }),
    service('datasync', {
      DATASYNC_DATA_DIR: path.join(servicesDir, 'datasync', 'postgres'),
      DATASYNC_EMBEDDED_PG_PORT: String(ports.datasync.postgres),
    }),
  ];
}

export interface LocalApiKey {
  /** What callers send (x-api-key); kept in the state dir, readable by its owner only. */
  key: string;
  /** Its DAPP_API_KEYS entry (name:salt:hash). */
  entry: string;
}

/** The local DAPP's API key: made once with the DAPP's own `hash-key`, then reused. */
export async function localApiKey(stateDir: string): Promise<LocalApiKey> {
  const file = path.join(stateDir, 'services', 'dapp-api-key.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LocalApiKey;
  } catch {
    // made below
  }
  const result = await runCommand(process.execPath, [
    path.join(REPOSITORY_ROOT, 'dapp', 'dist', 'index.js'),
    'hash-key',
    '--name',
    'local',
    '--key',
    `local.${crypto.randomBytes(24).toString('base64url')}`,
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

/** Starts each built service workspace (unless ours already runs) and waits for its /healthz. */
export async function startLocalServices(
  topology: Topology,
  services: readonly LocalService[],
  started: PidRecord[],
): Promise<LocalService[]> {
  const running: LocalService[] = [];
  for (const service of services) {
    const entry = path.join(service.workspace, 'dist', 'index.js');
    if (!fs.existsSync(entry)) continue;
    await ensureRunning({
      spec: {
        name: service.name,
        command: process.execPath,
        args: [entry],
        cwd: service.workspace,
        env: { ...process.env, ...service.env },
        runDir: topology.paths.run,
        logDir: topology.paths.logs,
      },
      description: `${service.name} on ${service.url}/healthz`,
      ready: () => httpOk(`${service.url}/healthz`),
      timeoutMs: 60_000,
      started,
    });
    running.push(service);
  }
  return running;
}
