// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The one file of an MSP folder such as `signcerts` or `keystore` (cryptogen and Fabric CA put
 * exactly one there); hidden files (editors, `.DS_Store`) are passed over.
 */
export function onlyFile(dir: string): string {
  const [file] = fs.readdirSync(dir).filter((name) => !name.startsWith('.'));
  if (!file) throw new Error(`no file in ${dir}`);
  return path.join(dir, file);
}

/** What a gateway signs with: the MSP, its certificate and private key. */
export interface GatewayIdentity {
  mspId: string;
  certificate: Buffer;
  privateKey: crypto.KeyObject;
}

/** The certificate and key of an MSP folder (the one with `signcerts/` and `keystore/`). */
export function readMspIdentity(mspId: string, mspDir: string): GatewayIdentity {
  return {
    mspId,
    certificate: fs.readFileSync(onlyFile(path.join(mspDir, 'signcerts'))),
    privateKey: crypto.createPrivateKey(fs.readFileSync(onlyFile(path.join(mspDir, 'keystore')))),
  };
}
