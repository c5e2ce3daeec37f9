// SPDX-License-Identifier: Apache-2.0
// Crypto material in cryptogen's folder layout, made with the openssl CLI, for tests that need
// real certificates and keys where cryptogen itself is not installed.
import fs from 'node:fs';
import path from 'node:path';

import type { CertificateFiles } from '@consortia/common/testing';
import { caSignedAt, selfSignedAt } from '@consortia/common/testing';
import YAML from 'yaml';

/** A self-signed CA with an EC P-256 key, named as cryptogen names them. */
function makeCa(dir: string, name: string): CertificateFiles {
  return selfSignedAt(
    { key: path.join(dir, 'priv_sk'), cert: path.join(dir, `${name}-cert.pem`) },
    `/CN=${name}`,
  );
}

/** An organization folder laid out as cryptogen lays it out (peerOrganizations/<domain>). */
export function makeOrg(
  root: string,
  domain: string,
  nodeKind: 'peer' | 'orderer',
  count: number,
  users: string[],
): void {
  const orgDir = path.join(root, `${nodeKind}Organizations`, domain);
  const ca = makeCa(path.join(orgDir, 'ca'), `ca.${domain}`);
  const tlsCa = makeCa(path.join(orgDir, 'tlsca'), `tlsca.${domain}`);
  const nodeOus = YAML.stringify({
    NodeOUs: {
      Enable: true,
      ClientOUIdentifier: {
        Certificate: `cacerts/ca.${domain}-cert.pem`,
        OrganizationalUnitIdentifier: 'client',
      },
      PeerOUIdentifier: {
        Certificate: `cacerts/ca.${domain}-cert.pem`,
        OrganizationalUnitIdentifier: 'peer',
      },
    },
  });
  const msp = (dir: string, cn: string | undefined) => {
    fs.mkdirSync(path.join(dir, 'cacerts'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'tlscacerts'), { recursive: true });
    fs.copyFileSync(ca.cert, path.join(dir, 'cacerts', `ca.${domain}-cert.pem`));
    fs.copyFileSync(tlsCa.cert, path.join(dir, 'tlscacerts', `tlsca.${domain}-cert.pem`));
    fs.writeFileSync(path.join(dir, 'config.yaml'), nodeOus);
    if (cn) {
      const out = {
        key: path.join(dir, 'keystore', 'priv_sk'),
        cert: path.join(dir, 'signcerts', `${cn}-cert.pem`),
      };
      caSignedAt(out, cn, ca);
    }
  };
  msp(path.join(orgDir, 'msp'), undefined);
  for (let index = 0; index < count; index++) {
    const node = `${nodeKind}${index}.${domain}`;
    const nodeDir = path.join(orgDir, `${nodeKind}s`, node);
    msp(path.join(nodeDir, 'msp'), node);
    const tls = path.join(nodeDir, 'tls');
    caSignedAt(
      { key: path.join(tls, 'server.key'), cert: path.join(tls, 'server.crt') },
      node,
      tlsCa,
    );
    fs.copyFileSync(tlsCa.cert, path.join(nodeDir, 'tls', 'ca.crt'));
  }
  for (const user of users) {
    const name = `${user}@${domain}`;
    msp(path.join(orgDir, 'users', name, 'msp'), name);
  }
}
