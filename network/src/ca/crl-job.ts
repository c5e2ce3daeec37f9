// SPDX-License-Identifier: Apache-2.0
/**
 * The CRL publisher's decision as the org-blockchain chart's CronJob runs it
 * (`node dist/ca/crl-job-main.js` in the network image), between two steps of the peer CLI
 * as the org admin: the first fetched the channel's config (decoded JSON), and the last computes
 * and submits the update when this step wrote the updated config. This step holds the CA
 * registrar's key (hf.GenCRL), never the admin's; the admin's key is never in this container.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';

import type { CaCredentials } from '@consortia/common';
import { FabricCaClient } from '@consortia/common';

import type { Json } from '../fabric/config-update';
import { withChannelCrl } from './channel-crl';
import type { CrlChange } from './publish-crl';
import { crlChange } from './publish-crl';

export interface CrlJobSettings {
  mspId: string;
  /** The channel config (configtxlator JSON of common.Config) the first step wrote. */
  configFile: string;
  /** Written only when the CA revokes a certificate the channel's CRL does not. */
  updatedFile: string;
  ca: { url: string; caName?: string; serverName?: string; tlsRoots: string };
  registrar: CaCredentials;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** The Job's settings, from the same FABRIC_CA_* variables the DAPP reads. */
export function crlJobSettings(env: NodeJS.ProcessEnv = process.env): CrlJobSettings {
  const read = (name: string) => fs.readFileSync(required(env, name), 'utf8');
  return {
    mspId: required(env, 'CRL_MSP_ID'),
    configFile: required(env, 'CRL_CONFIG_FILE'),
    updatedFile: required(env, 'CRL_UPDATED_FILE'),
    ca: {
      url: required(env, 'FABRIC_CA_URL'),
      caName: env.FABRIC_CA_NAME || undefined,
      serverName: env.FABRIC_CA_TLS_SERVER_NAME || undefined,
      tlsRoots: read('FABRIC_CA_TLS_CA_FILE'),
    },
    registrar: {
      certificate: read('FABRIC_CA_REGISTRAR_CERT_FILE'),
      privateKey: crypto.createPrivateKey(read('FABRIC_CA_REGISTRAR_KEY_FILE')),
    },
  };
}

/**
 * Asks the CA for its current CRL and compares it with the org's channel MSP: when the CA revokes
 * a certificate the channel does not, writes the channel config with the CA's CRL in the org's
 * MSP for the last step to submit; otherwise writes nothing (no update, no block).
 */
export async function decideCrlUpdate(settings: CrlJobSettings): Promise<CrlChange> {
  const config = JSON.parse(fs.readFileSync(settings.configFile, 'utf8')) as Json;
  const crl = await new FabricCaClient({ ...settings.ca, timeoutMs: 60_000 }).crl(
    settings.registrar,
  );
  const change = crlChange(config, settings.mspId, crl);
  fs.rmSync(settings.updatedFile, { force: true });
  if (change.missing.length > 0) {
    const updated = withChannelCrl(config, settings.mspId, crl);
    fs.writeFileSync(settings.updatedFile, JSON.stringify(updated));
  }
  return change;
}
