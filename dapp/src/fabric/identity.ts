// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { onlyFile } from '@consortia/common/fabric';

import type { DappConfig } from '../config';

export const DEFAULT_IDENTITY = 'default';

/**
 * Per-user identities (enrolled at the org's CA, kept in the DAPP's vault) are named
 * `user:<username>`. Configured identity names cannot hold `:`, so the two never meet.
 */
export const USER_IDENTITY_PREFIX = 'user:';

export const userIdentityName = (username: string): string => `${USER_IDENTITY_PREFIX}${username}`;

export const isUserIdentity = (name: string): boolean => name.startsWith(USER_IDENTITY_PREFIX);

/** A signing identity the DAPP may submit as: its MSP, certificate and private key. */
export interface SigningIdentity {
  name: string;
  mspId: string;
  certificate: Buffer;
  privateKey: crypto.KeyObject;
}

/** Accepts a cryptogen user folder (`User1@org1…`) or its `msp` folder. */
function mspFolder(dir: string): string {
  const nested = path.join(dir, 'msp');
  return fs.existsSync(path.join(nested, 'signcerts')) ? nested : dir;
}

export function identityFromMsp(name: string, mspId: string, dir: string): SigningIdentity {
  const msp = mspFolder(dir);
  return identityFromFiles(
    name,
    mspId,
    onlyFile(path.join(msp, 'signcerts')),
    onlyFile(path.join(msp, 'keystore')),
  );
}

export function identityFromFiles(
  name: string,
  mspId: string,
  certFile: string,
  keyFile: string,
): SigningIdentity {
  return {
    name,
    mspId,
    certificate: fs.readFileSync(certFile),
    privateKey: crypto.createPrivateKey(fs.readFileSync(keyFile)),
  };
}

/**
 * Parses one FABRIC_IDENTITIES entry: `name=mspDir` (the DAPP's own MSP) or `name=MSPID@mspDir`.
 */
export function parseIdentityEntry(
  entry: string,
  defaultMspId: string,
): { name: string; mspId: string; dir: string } {
  const match = /^([A-Za-z0-9._-]+)=(?:([A-Za-z0-9._-]+)@)?(.+)$/.exec(entry);
  if (!match) {
    throw new Error(`FABRIC_IDENTITIES entry '${entry}' is not name=mspDir or name=MSPID@mspDir`);
  }
  const [, name = '', mspId, dir = ''] = match;
  return { name, mspId: mspId ?? defaultMspId, dir };
}

/**
 * The identities named in the configuration. The default one comes from FABRIC_CERT_FILE and
 * FABRIC_KEY_FILE (mounted secrets) or else FABRIC_IDENTITY_DIR (a cryptogen msp folder).
 */
export function loadIdentities(config: DappConfig): Map<string, SigningIdentity> {
  const identities = new Map<string, SigningIdentity>();
  if (config.FABRIC_CERT_FILE && config.FABRIC_KEY_FILE) {
    identities.set(
      DEFAULT_IDENTITY,
      identityFromFiles(
        DEFAULT_IDENTITY,
        config.FABRIC_MSP_ID,
        config.FABRIC_CERT_FILE,
        config.FABRIC_KEY_FILE,
      ),
    );
  } else if (config.FABRIC_IDENTITY_DIR) {
    identities.set(
      DEFAULT_IDENTITY,
      identityFromMsp(DEFAULT_IDENTITY, config.FABRIC_MSP_ID, config.FABRIC_IDENTITY_DIR),
    );
  }
  for (const entry of config.FABRIC_IDENTITIES) {
    const { name, mspId, dir } = parseIdentityEntry(entry, config.FABRIC_MSP_ID);
    identities.set(name, identityFromMsp(name, mspId, dir));
  }
  return identities;
}
