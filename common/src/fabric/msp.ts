// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The file of an MSP folder such as `signcerts` or `keystore` (cryptogen and Fabric CA put exactly
 * one there; the first in name order otherwise), or undefined when the folder is missing or holds
 * none. Hidden files (editors, `.DS_Store`) and subfolders are passed over.
 */
export function findOnlyFile(dir: string): string | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    return undefined;
  }
  const file = names.find(
    (name) => !name.startsWith('.') && fs.statSync(path.join(dir, name)).isFile(),
  );
  return file === undefined ? undefined : path.join(dir, file);
}

/** `findOnlyFile`, for a folder that must hold the file. */
export function onlyFile(dir: string): string {
  const file = findOnlyFile(dir);
  if (!file) throw new Error(`no file in ${dir}`);
  return file;
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
