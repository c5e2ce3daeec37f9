// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';

import { UserError } from '../errors';
import { fabricCaComponent, fabricCaTool } from '../install/fabric-ca';
import { ensureRunning } from '../process/daemon';
import type { PidRecord } from '../process/supervisor';
import type { Topology } from '../topology/topology';
import { HOST, TLS_HOST_NAME } from '../topology/topology';
import { registerIdentity } from './client';
import type { CaOrg, CaServer } from './layout';
import { caTlsTrustFile, registrarFile } from './layout';

export interface Registrar {
  id: string;
  secret: string;
}

export function assertFabricCaInstalled(home: string, env: NodeJS.ProcessEnv = process.env): void {
  if (!fabricCaComponent.isInstalled(home, env)) {
    throw new UserError(
      `Fabric CA ${fabricCaComponent.version} is not installed, and --crypto ca needs it`,
      'run `consortia install ca`, or pass --crypto cryptogen',
    );
  }
}

/** The registrar of a CA, made up (random secret) the first time the CA is started. */
export function registrarOf(server: CaServer): Registrar {
  const file = registrarFile(server);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Registrar;
  } catch {
    const registrar = { id: 'admin', secret: crypto.randomBytes(18).toString('base64url') };
    fs.mkdirSync(server.dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, `${JSON.stringify(registrar)}\n`, { mode: 0o600 });
    return registrar;
  }
}

/** The identity a root CA's intermediate enrolls as; its CN becomes the intermediate's subject. */
export function intermediateIdentity(org: CaOrg): Registrar {
  const { secret } = registrarOf(org.intermediate);
  return { id: org.intermediate.caName, secret };
}

export function caUrl(server: CaServer, who?: Registrar): string {
  const credentials = who ? `${encodeURIComponent(who.id)}:${encodeURIComponent(who.secret)}@` : '';
  return `https://${credentials}${HOST}:${server.port}`;
}

/** True once the CA answers /cainfo over TLS with the certificate it is expected to have. */
export function caServing(server: CaServer): Promise<boolean> {
  let ca: Buffer;
  try {
    ca = fs.readFileSync(caTlsTrustFile(server));
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const request = https.get(
      {
        host: HOST,
        port: server.port,
        path: '/api/v1/cainfo',
        ca,
        servername: TLS_HOST_NAME,
        timeout: 2000,
      },
      (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      },
    );
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/**
 * The server's settings. Secrets go through the environment, never the command line (which the
 * logs and `ps` show). The operations listener takes any free port: its default, 9443, would be
 * shared by every CA on the machine.
 */
function serverEnv(org: CaOrg, server: CaServer): NodeJS.ProcessEnv {
  const registrar = registrarOf(server);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FABRIC_CA_SERVER_HOME: server.dir,
    FABRIC_CA_SERVER_BOOT: `${registrar.id}:${registrar.secret}`,
    FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: `${HOST}:0`,
  };
  if (server.role === 'intermediate') {
    env.FABRIC_CA_SERVER_INTERMEDIATE_PARENTSERVER_URL = caUrl(org.root, intermediateIdentity(org));
  }
  return env;
}

function serverArgs(org: CaOrg, server: CaServer): string[] {
  const args = [
    'start',
    '--address',
    HOST,
    '--port',
    String(server.port),
    '--ca.name',
    server.caName,
    '--tls.enabled',
    '--csr.hosts',
    `${TLS_HOST_NAME},${HOST}`,
    // identities can be removed and their certificates revoked; a CRL lists them
    '--cfg.identities.allowremove',
  ];
  if (server.role === 'intermediate') {
    // an intermediate's subject comes from its enrollment at the root, not from csr.cn
    args.push('--intermediate.tls.certfiles', caTlsTrustFile(org.root));
  } else {
    args.push('--csr.cn', server.caName);
  }
  return args;
}

export interface CaStart {
  home: string;
  topology: Topology;
  started: PidRecord[];
}

/** Starts one CA (or keeps the one of ours that runs) and waits until it serves over TLS. */
export async function startCaServer(context: CaStart, org: CaOrg, server: CaServer) {
  fs.mkdirSync(server.dir, { recursive: true, mode: 0o700 });
  await ensureRunning({
    spec: {
      name: server.name,
      command: fabricCaTool(context.home, 'fabric-ca-server'),
      args: serverArgs(org, server),
      env: serverEnv(org, server),
      cwd: server.dir,
      runDir: context.topology.paths.run,
      logDir: context.topology.paths.logs,
    },
    description: `${server.name} to serve on https://${HOST}:${server.port}`,
    ready: () => caServing(server),
    timeoutMs: 60_000,
    intervalMs: 250,
    started: context.started,
  });
}

/**
 * Starts an org's CAs: the root and the TLS CA together, then the intermediate, which enrolls
 * at the root the first time it starts (and reuses its certificate after).
 */
export async function startOrgCas(context: CaStart, org: CaOrg): Promise<void> {
  await Promise.all([startCaServer(context, org, org.root), startCaServer(context, org, org.tls)]);
  if (!fs.existsSync(caTlsTrustFile(org.intermediate))) {
    await registerIntermediate(org);
  }
  await startCaServer(context, org, org.intermediate);
}

/** Lets the intermediate enroll at its root: an identity allowed to act as an intermediate CA. */
async function registerIntermediate(org: CaOrg): Promise<void> {
  await registerIdentity(org.root, {
    ...intermediateIdentity(org),
    type: 'client',
    attributes: { 'hf.IntermediateCA': 'true' },
  });
}
