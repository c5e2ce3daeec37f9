// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { CaCredentials, Enrolled } from '@consortia/common';
import { FabricCaClient, FabricCaRequestError } from '@consortia/common';

import type { CaServer } from './layout';
import { caEndpoint } from './layout';
import type { Registrar } from './server';
import { registrarOf } from './server';

export type IdentityType = 'peer' | 'orderer' | 'admin' | 'client';

export interface NewIdentity extends Registrar {
  type: IdentityType;
  /** Attributes put in the identity's enrollment certificates (ecert). */
  attributes?: Record<string, string>;
}

/**
 * A REST client of one CA. Setting up a network enrolls dozens of identities: over HTTPS from
 * this process that is a request each, where fabric-ca-client would start a program each.
 */
export function restClient(server: CaServer): FabricCaClient {
  const endpoint = caEndpoint(server);
  return new FabricCaClient({
    url: endpoint.url,
    serverName: endpoint.serverName,
    tlsRoots: fs.readFileSync(endpoint.tlsRootsFile, 'utf8'),
    timeoutMs: 60_000,
  });
}

/** Writes an enrollment as an MSP folder: signcerts/<name>, keystore/priv_sk. */
export function writeEnrollment(mspDir: string, certName: string, enrolled: Enrolled): void {
  fs.rmSync(mspDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(mspDir, 'signcerts'), { recursive: true });
  fs.mkdirSync(path.join(mspDir, 'keystore'), { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(mspDir, 'signcerts', certName), enrolled.certificate);
  fs.writeFileSync(
    path.join(mspDir, 'keystore', 'priv_sk'),
    enrolled.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    { mode: 0o600 },
  );
}

/** Where a CA's registrar is enrolled (signcerts/cert.pem, keystore/priv_sk). */
export function registrarMspDir(server: CaServer): string {
  return path.join(`${server.dir}-registrar`, 'msp');
}

/** The registrar's MSP folder, enrolled the first time it is needed. */
async function registrarMsp(server: CaServer): Promise<string> {
  const msp = registrarMspDir(server);
  if (!fs.existsSync(path.join(msp, 'signcerts', 'cert.pem'))) {
    const registrar = registrarOf(server);
    const enrolled = await restClient(server).enroll(registrar.id, registrar.secret);
    writeEnrollment(msp, 'cert.pem', enrolled);
  }
  return msp;
}

/** A CA's registrar certificate and key files (enrolled on first use), for REST calls as it. */
export async function registrarFiles(
  server: CaServer,
): Promise<{ certFile: string; keyFile: string }> {
  const msp = await registrarMsp(server);
  const [key] = fs.readdirSync(path.join(msp, 'keystore'));
  if (!key) throw new Error(`${server.name}'s registrar has no key in ${msp}`);
  return {
    certFile: path.join(msp, 'signcerts', 'cert.pem'),
    keyFile: path.join(msp, 'keystore', key),
  };
}

export async function registrarCredentials(server: CaServer): Promise<CaCredentials> {
  const files = await registrarFiles(server);
  return {
    certificate: fs.readFileSync(files.certFile, 'utf8'),
    privateKey: crypto.createPrivateKey(fs.readFileSync(files.keyFile)),
  };
}

/**
 * Registers an identity. One already registered (a retried setup that stopped before it
 * enrolled) gets this call's secret, since the earlier secret was never kept.
 */
export async function registerIdentity(server: CaServer, identity: NewIdentity): Promise<void> {
  const client = restClient(server);
  const registrar = await registrarCredentials(server);
  try {
    await client.register(registrar, {
      id: identity.id,
      type: identity.type,
      secret: identity.secret,
      attributes: identity.attributes,
    });
  } catch (error) {
    if (!(error instanceof FabricCaRequestError) || !/already registered/i.test(error.message)) {
      throw error;
    }
    await client.modify(registrar, identity.id, { secret: identity.secret });
  }
}
