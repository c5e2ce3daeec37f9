// SPDX-License-Identifier: Apache-2.0
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

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

/**
 * Every certificate under a network's crypto directory (cryptogen's or a CA's layout:
 * `<peer|orderer>Organizations/<domain>/{ca,tlsca,msp,peers,orderers,users}/…`), once each:
 * the same CA certificate is copied into every MSP, and counts as the CA's.
 */
export function scanCertificates(cryptoDir: string): CertificateInfo[] {
  const found = new Map<string, CertificateInfo>();
  for (const file of files(cryptoDir)) {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(fs.readFileSync(file));
    } catch {
      continue; // a key or something else with a .pem name
    }
    const parts = path.relative(cryptoDir, file).split(path.sep);
    const org = parts[1] ?? 'unknown';
    const holder = parts[2] ?? '';
    const kind: CertificateInfo['kind'] = certificate.ca
      ? 'ca'
      : holder === 'peers'
        ? 'peer'
        : holder === 'orderers'
          ? 'orderer'
          : 'user';
    const usage =
      parts.includes('tls') || parts.includes('tlsca') || parts.includes('tlscacerts')
        ? 'tls'
        : 'sign';
    const info: CertificateInfo = {
      kind,
      usage,
      org,
      subject: commonName(certificate.subject),
      expiresAt: new Date(certificate.validTo),
      file,
    };
    // one series per label set: of two certificates alike, the sooner expiry is what matters
    const key = [kind, usage, org, info.subject].join('\n');
    const kept = found.get(key);
    if (!kept || info.expiresAt < kept.expiresAt) found.set(key, info);
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
