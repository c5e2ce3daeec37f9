// SPDX-License-Identifier: Apache-2.0
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { certificateNotAfter } from '@consortia/common/crypto';

import { registrarMspDir } from '../../ca/client';
import type { CaOrg } from '../../ca/layout';
import type { Gauge } from './text-format';

export interface CertificateInfo {
  /** ca, peer, orderer or user: whose certificate it is. */
  kind: 'ca' | 'peer' | 'orderer' | 'user';
  /** sign (MSP identity) or tls. */
  usage: 'sign' | 'tls';
  org: string;
  subject: string;
  expiresAt: Date;
  file: string;
}

function* files(dir: string): Generator<string> {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (/\.(pem|crt)$/.test(entry.name)) yield full;
  }
}

function commonName(subject: string): string {
  return /(?:^|\n)CN=([^\n]+)/.exec(subject)?.[1] ?? subject.replace(/\n/g, ', ');
}

/** Reads one certificate file into `found`, keeping the sooner expiry of two alike. */
function addCertificate(
  found: Map<string, CertificateInfo>,
  file: string,
  describe: (certificate: X509Certificate) => Pick<CertificateInfo, 'kind' | 'usage' | 'org'>,
): void {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(fs.readFileSync(file));
  } catch {
    return; // a key or something else with a .pem name, or no file
  }
  const info: CertificateInfo = {
    ...describe(certificate),
    subject: commonName(certificate.subject),
    expiresAt: certificateNotAfter(certificate),
    file,
  };
  // one series per label set: of two certificates alike, the sooner expiry is what matters
  const key = [info.kind, info.usage, info.org, info.subject].join('\n');
  const kept = found.get(key);
  if (!kept || info.expiresAt < kept.expiresAt) found.set(key, info);
}

/**
 * Every certificate under a network's crypto directory (cryptogen's or a CA's layout:
 * `<peer|orderer>Organizations/<domain>/{ca,tlsca,msp,peers,orderers,users}/…`), once each:
 * the same CA certificate is copied into every MSP, and counts as the CA's. With Fabric CAs,
 * `caOrgs` adds what only the CA servers hold: each server's own certificate and TLS serving
 * certificate (kind ca) and its registrar's (kind user).
 */
export function scanCertificates(
  cryptoDir: string,
  caOrgs: readonly CaOrg[] = [],
): CertificateInfo[] {
  const found = new Map<string, CertificateInfo>();
  for (const file of files(cryptoDir)) {
    const parts = path.relative(cryptoDir, file).split(path.sep);
    const holder = parts[2] ?? '';
    addCertificate(found, file, (certificate) => ({
      kind: certificate.ca
        ? 'ca'
        : holder === 'peers'
          ? 'peer'
          : holder === 'orderers'
            ? 'orderer'
            : 'user',
      usage:
        parts.includes('tls') || parts.includes('tlsca') || parts.includes('tlscacerts')
          ? 'tls'
          : 'sign',
      org: parts[1] ?? 'unknown',
    }));
  }
  for (const org of caOrgs) {
    for (const server of [org.root, org.intermediate, org.tls]) {
      const usage = server.role === 'tls' ? 'tls' : 'sign';
      addCertificate(found, path.join(server.dir, 'ca-cert.pem'), () => ({
        kind: 'ca',
        usage,
        org: org.domain,
      }));
      // the certificate the CA server answers TLS with
      addCertificate(found, path.join(server.dir, 'tls-cert.pem'), () => ({
        kind: 'ca',
        usage: 'tls',
        org: org.domain,
      }));
      addCertificate(found, path.join(registrarMspDir(server), 'signcerts', 'cert.pem'), () => ({
        kind: 'user',
        usage,
        org: org.domain,
      }));
    }
  }
  return [...found.values()];
}

/** Where a deployment mounts certificates, and whose they are (a CA's count as kind ca). */
export interface CertificateDir {
  dir: string;
  kind: Exclude<CertificateInfo['kind'], 'ca'>;
  usage: CertificateInfo['usage'];
  org: string;
}

/**
 * Every certificate under directories labelled by who holds them: what a pod sees of its
 * Secrets (Kubernetes' `..data` links lead to the same files, counted once).
 */
export function scanCertificateDirs(dirs: readonly CertificateDir[]): CertificateInfo[] {
  const found = new Map<string, CertificateInfo>();
  for (const each of dirs) {
    for (const file of files(each.dir)) {
      addCertificate(found, file, (certificate) => ({
        kind: certificate.ca ? 'ca' : each.kind,
        usage: each.usage,
        org: each.org,
      }));
    }
  }
  return [...found.values()];
}

export function certificateGauge(certificates: readonly CertificateInfo[]): Gauge {
  return {
    name: 'consortia_certificate_expiry_timestamp_seconds',
    help: 'When each certificate of the network expires (Unix time), by kind, usage, org and subject',
    samples: certificates.map((certificate) => ({
      labels: {
        kind: certificate.kind,
        usage: certificate.usage,
        org: certificate.org,
        subject: certificate.subject,
      },
      value: Math.floor(certificate.expiresAt.getTime() / 1000),
    })),
  };
}
