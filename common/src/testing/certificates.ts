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
  return signedBy(ca, out, { subject: `/CN=${cn}`, days: 1, extensions });
}

interface Signing {
  subject: string;
  days: number;
  extensions?: string;
  /** The CA's serial number file; by default openssl's, beside the CA certificate. */
  serial?: string;
}

function signedBy(ca: CertificateFiles, out: CertificateFiles, signing: Signing): CertificateFiles {
  makeParents(out);
  const csr = `${out.cert}.csr`;
  const ext = `${out.cert}.ext`;
  const { extensions, serial } = signing;
  openssl(['req', '-new', ...newKey(out.key), '-out', csr, '-subj', signing.subject]);
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
      ...(serial === undefined ? [] : ['-CAserial', serial]),
      '-days',
      String(signing.days),
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
 * A client identity of a cryptogen organization, `<name>@<domain>`, as an MSP folder
 * `<dir>/<name>/msp`: a new P-256 key and a certificate valid two days, signed by the
 * organization's CA (`<caDir>/ca.<domain>-cert.pem` and its `priv_sk`), with the subject cryptogen
 * gives its users (OU=client, so Fabric's node OUs take it for a client). The CA's serial number
 * file is kept in `dir`, not beside the network's CA. Answers the MSP folder.
 */
export function cryptogenClientMsp(
  caDir: string,
  domain: string,
  name: string,
  dir: string,
): string {
  const msp = path.join(dir, name, 'msp');
  signedBy(
    { cert: path.join(caDir, `ca.${domain}-cert.pem`), key: path.join(caDir, 'priv_sk') },
    { cert: path.join(msp, 'signcerts', 'cert.pem'), key: path.join(msp, 'keystore', 'priv_sk') },
    {
      subject: `/C=US/ST=California/L=San Francisco/OU=client/CN=${name}@${domain}`,
      days: 2,
      extensions: 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n',
      serial: path.join(dir, 'ca.srl'),
    },
  );
  return msp;
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
