// SPDX-License-Identifier: Apache-2.0
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

/**
 * Crypto material in cryptogen's folder layout, made with the openssl CLI, for tests that need
 * real certificates and keys where cryptogen itself is not installed.
 */
function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A self-signed CA with an EC P-256 key, as cryptogen makes them. */
function makeCa(dir: string, name: string): { key: string; cert: string } {
  fs.mkdirSync(dir, { recursive: true });
  const key = path.join(dir, 'priv_sk');
  const cert = path.join(dir, `${name}-cert.pem`);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key], dir);
  openssl(
    ['req', '-x509', '-new', '-key', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`],
    dir,
  );
  return { key, cert };
}

function issue(
  ca: { key: string; cert: string },
  cn: string,
  keyOut: string,
  certOut: string,
): void {
  fs.mkdirSync(path.dirname(keyOut), { recursive: true });
  fs.mkdirSync(path.dirname(certOut), { recursive: true });
  const csr = `${certOut}.csr`;
  openssl(
    ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyOut],
    path.dirname(keyOut),
  );
  openssl(['req', '-new', '-key', keyOut, '-out', csr, '-subj', `/CN=${cn}`], path.dirname(keyOut));
  openssl(
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-CAcreateserial',
      '-out',
      certOut,
      '-days',
      '2',
    ],
    path.dirname(keyOut),
  );
  fs.rmSync(csr);
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
    if (cn)
      issue(
        ca,
        cn,
        path.join(dir, 'keystore', 'priv_sk'),
        path.join(dir, 'signcerts', `${cn}-cert.pem`),
      );
  };
  msp(path.join(orgDir, 'msp'), undefined);
  for (let index = 0; index < count; index++) {
    const node = `${nodeKind}${index}.${domain}`;
    const nodeDir = path.join(orgDir, `${nodeKind}s`, node);
    msp(path.join(nodeDir, 'msp'), node);
    issue(
      tlsCa,
      node,
      path.join(nodeDir, 'tls', 'server.key'),
      path.join(nodeDir, 'tls', 'server.crt'),
    );
    fs.copyFileSync(tlsCa.cert, path.join(nodeDir, 'tls', 'ca.crt'));
  }
  for (const user of users) {
    const name = `${user}@${domain}`;
    msp(path.join(orgDir, 'users', name, 'msp'), name);
  }
}
