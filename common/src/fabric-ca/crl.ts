// SPDX-License-Identifier: Apache-2.0
import { readTlv } from './der';

const SEQUENCE = 0x30;
const INTEGER = 0x02;

/** The DER inside a PEM block of the given label (the first one). */
function pemBody(pem: string, label: string): Buffer {
  const match = new RegExp(
    `-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`,
  ).exec(pem);
  if (!match?.[1]) throw new Error(`not a PEM ${label}`);
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}

/** A serial number as Node's X509Certificate shows it: upper-case hex, no leading zero byte. */
function serialHex(content: Buffer): string {
  const start = content.length > 1 && content[0] === 0 ? 1 : 0;
  return content.subarray(start).toString('hex').toUpperCase();
}

/**
 * The serial numbers an X.509 CRL (PEM) revokes. Node's crypto reads certificates but not CRLs;
 * the serials are all a CRL publisher compares (a CA makes a new CRL, with new dates, each time
 * it is asked, so two CRLs revoking the same certificates differ byte for byte).
 */
export function revokedSerials(crlPem: string): string[] {
  const der = pemBody(crlPem, 'X509 CRL');
  const list = readTlv(der, 0);
  if (list.tag !== SEQUENCE) throw new Error('a CRL is a SEQUENCE');
  const tbs = readTlv(list.content, 0);
  if (tbs.tag !== SEQUENCE) throw new Error("a CRL's tbsCertList is a SEQUENCE");
  // version?, signature, issuer, thisUpdate, nextUpdate?, revokedCertificates?, [0] extensions?
  const fields: { tag: number; content: Buffer }[] = [];
  for (let offset = 0; offset < tbs.content.length;) {
    const field = readTlv(tbs.content, offset);
    fields.push(field);
    offset = field.end;
  }
  const firstAfterIssuer = fields[0]?.tag === INTEGER ? 3 : 2;
  // after the issuer come one or two times (UTCTime 0x17 or GeneralizedTime 0x18)
  const revoked = fields
    .slice(firstAfterIssuer)
    .find((field) => field.tag === SEQUENCE && field.content.length > 0);
  if (!revoked) return [];
  const serials: string[] = [];
  for (let offset = 0; offset < revoked.content.length;) {
    const entry = readTlv(revoked.content, offset);
    const serial = readTlv(entry.content, 0);
    if (serial.tag !== INTEGER) throw new Error('a revoked entry starts with its serial number');
    serials.push(serialHex(serial.content));
    offset = entry.end;
  }
  return serials;
}
