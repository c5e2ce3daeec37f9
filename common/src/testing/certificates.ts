// SPDX-License-Identifier: Apache-2.0
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Runs openssl quietly; throws if it fails. */
export function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

export interface CertificateFiles {
  cert: string;
  key: string;
}

/** openssl req arguments for a new unencrypted P-256 key written to `key`. */
function newKey(key: string): string[] {
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key];
}

function files(dir: string, name: string): CertificateFiles {
  return { cert: path.join(dir, `${name}.pem`), key: path.join(dir, `${name}-key.pem`) };
}

/**
 * A self-signed P-256 certificate valid one day, written as `<dir>/<name>.pem` and its key as
 * `<dir>/<name>-key.pem`; the subject is `/CN=<name>` unless `options.subject` names another, and
 * `options.subjectAltName` (e.g. `IP:127.0.0.1`) lets a TLS server present it.
 */
export function selfSigned(
  dir: string,
  name: string,
  options: { subject?: string; subjectAltName?: string } = {},
): CertificateFiles {
  const { cert, key } = files(dir, name);
  openssl([
    'req',
    '-x509',
    ...newKey(key),
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    options.subject ?? `/CN=${name}`,
    ...(options.subjectAltName ? ['-addext', `subjectAltName=${options.subjectAltName}`] : []),
  ]);
  return { cert, key };
}

/**
 * A P-256 certificate for `/CN=<name>` valid one day, signed by `ca`, with `extensions` (openssl
 * extension file lines, e.g. `extendedKeyUsage=clientAuth`); written like `selfSigned`'s.
 */
export function caSigned(
  dir: string,
  name: string,
  ca: CertificateFiles,
  extensions: string,
): CertificateFiles {
  const { cert, key } = files(dir, name);
  const csr = path.join(dir, `${name}.csr`);
  const ext = path.join(dir, `${name}.ext`);
  fs.writeFileSync(ext, extensions);
  openssl(['req', '-new', ...newKey(key), '-out', csr, '-subj', `/CN=${name}`]);
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-days',
    '1',
    '-sha256',
    '-extfile',
    ext,
    '-out',
    cert,
  ]);
  return { cert, key };
}
