// SPDX-License-Identifier: Apache-2.0
// Packing an MSP or TLS folder into the keys a Secret holds, as the charts mount them.
import fs from 'node:fs';
import path from 'node:path';

import { findOnlyFile } from '@consortia/common/fabric';
import YAML from 'yaml';

import { UserError } from '../../errors';
import { isDir } from './locate';

/** The keys of an MSP Secret, as the charts' projected volume expects them. */
export function mspFiles(mspDir: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  const configFile = path.join(mspDir, 'config.yaml');
  const config = fs.existsSync(configFile) ? fs.readFileSync(configFile, 'utf8') : undefined;
  files['config.yaml'] = Buffer.from(nodeOuConfig(config));
  files['cert.pem'] = requiredFile(path.join(mspDir, 'signcerts'));
  files['key.pem'] = requiredFile(path.join(mspDir, 'keystore'));
  files['cacert.pem'] = requiredFile(path.join(mspDir, 'cacerts'));
  const tlsCa = optionalFile(path.join(mspDir, 'tlscacerts'));
  if (tlsCa) files['tlscacert.pem'] = tlsCa;
  const intermediate = optionalFile(path.join(mspDir, 'intermediatecerts'));
  if (intermediate) files['intermediatecert.pem'] = intermediate;
  return files;
}

/** The keys of a TLS Secret: tls.crt, tls.key, ca.crt. */
export function tlsFiles(tlsDir: string): Record<string, Buffer> {
  const read = (names: string[]) => {
    for (const name of names) {
      const file = path.join(tlsDir, name);
      if (fs.existsSync(file)) return fs.readFileSync(file);
    }
    throw new UserError(
      `${tlsDir} lacks ${names.join(' or ')}`,
      'regenerate the TLS material for this node',
    );
  };
  return {
    'tls.crt': read(['server.crt', 'client.crt', 'tls.crt']),
    'tls.key': read(['server.key', 'client.key', 'tls.key']),
    'ca.crt': read(['ca.crt']),
  };
}

/**
 * NodeOU settings that point at the CA certificate where the charts project it
 * (cacerts/cacert.pem), whatever file name cryptogen or a CA gave it.
 */
export function nodeOuConfig(existing: string | undefined): string {
  if (existing) {
    const parsed: unknown = YAML.parse(existing);
    const rewrite = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(rewrite);
      if (typeof node !== 'object' || node === null) return node;
      return Object.fromEntries(
        Object.entries(node).map(([key, value]) => [
          key,
          key === 'Certificate' && typeof value === 'string'
            ? 'cacerts/cacert.pem'
            : rewrite(value),
        ]),
      );
    };
    return YAML.stringify(rewrite(parsed));
  }
  const unit = (name: string) => ({
    Certificate: 'cacerts/cacert.pem',
    OrganizationalUnitIdentifier: name,
  });
  return YAML.stringify({
    NodeOUs: {
      Enable: true,
      ClientOUIdentifier: unit('client'),
      PeerOUIdentifier: unit('peer'),
      AdminOUIdentifier: unit('admin'),
      OrdererOUIdentifier: unit('orderer'),
    },
  });
}

/** The file an MSP folder holds (signcerts, keystore, cacerts, ...); a user error when none. */
export function requiredFile(dir: string): Buffer {
  const file = findOnlyFile(dir);
  if (!file) {
    throw new UserError(`${dir} holds no file`, 'regenerate the crypto material for this identity');
  }
  return fs.readFileSync(file);
}

/** The file an optional MSP folder holds (tlscacerts, intermediatecerts), if any. */
function optionalFile(dir: string): Buffer | undefined {
  const file = findOnlyFile(dir);
  return file === undefined ? undefined : fs.readFileSync(file);
}

/** The node folders (peers/*, orderers/*, users/*) in name order. */
export function nodeDirs(parent: string): string[] {
  return isDir(parent)
    ? fs
        .readdirSync(parent)
        .sort()
        .filter((entry) => isDir(path.join(parent, entry)))
    : [];
}

/** `peer0.org1.example.com` -> 0; nodes without a number count in directory order. */
export function nodeIndex(dirName: string, prefix: string, fallback: number): number {
  const match = new RegExp(`^${prefix}(\\d+)`).exec(dirName);
  return match?.[1] === undefined ? fallback : Number(match[1]);
}
