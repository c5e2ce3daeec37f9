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

/** A self-signed P-256 certificate for `subject` valid one day, written to `out` (folders made). */
export function selfSignedAt(
  out: CertificateFiles,
  subject: string,
  subjectAltName?: string,
): CertificateFiles {
  makeParents(out);
  openssl([
    'req',
    '-x509',
    ...newKey(out.key),
    '-out',
    out.cert,
    '-days',
    '1',
    '-subj',
    subject,
    ...(subjectAltName ? ['-addext', `subjectAltName=${subjectAltName}`] : []),
  ]);
  return out;
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
  return selfSignedAt(files(dir, name), options.subject ?? `/CN=${name}`, options.subjectAltName);
}

/**
 * A P-256 certificate for `/CN=<cn>` valid one day, signed by `ca`, with `extensions` if given
 * (openssl extension file lines, e.g. `extendedKeyUsage=clientAuth`), written to `out` (folders
 * made); the signing request is removed, so a cryptogen-style folder keeps one file.
 */
export function caSignedAt(
  out: CertificateFiles,
  cn: string,
  ca: CertificateFiles,
  extensions?: string,
): CertificateFiles {
  makeParents(out);
  const csr = `${out.cert}.csr`;
  const ext = `${out.cert}.ext`;
  openssl(['req', '-new', ...newKey(out.key), '-out', csr, '-subj', `/CN=${cn}`]);
  if (extensions !== undefined) fs.writeFileSync(ext, extensions);
  try {
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
      ...(extensions === undefined ? [] : ['-extfile', ext]),
      '-out',
      out.cert,
    ]);
  } finally {
    fs.rmSync(csr, { force: true });
    fs.rmSync(ext, { force: true });
  }
  return out;
}

/**
 * A P-256 certificate for `/CN=<name>` valid one day, signed by `ca`, with `extensions`; written
 * like `selfSigned`'s.
 */
export function caSigned(
  dir: string,
  name: string,
  ca: CertificateFiles,
  extensions: string,
): CertificateFiles {
  return caSignedAt(files(dir, name), name, ca, extensions);
}

function makeParents(out: CertificateFiles): void {
  fs.mkdirSync(path.dirname(out.cert), { recursive: true });
  fs.mkdirSync(path.dirname(out.key), { recursive: true });
}
