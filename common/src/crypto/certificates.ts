// SPDX-License-Identifier: Apache-2.0
import { X509Certificate } from 'node:crypto';

/**
 * When an X.509 certificate stops being valid. Node 20's X509Certificate gives `validTo` only as
 * OpenSSL's text ("Mar  1 12:00:00 2027 GMT"); this is the one place that turns it into a Date.
 */
export function certificateNotAfter(certificate: X509Certificate | string | Buffer): Date {
  const parsed =
    certificate instanceof X509Certificate ? certificate : new X509Certificate(certificate);
  const notAfter = new Date(parsed.validTo);
  if (Number.isNaN(notAfter.getTime())) {
    throw new Error(`certificate ${parsed.subject} has an unreadable expiry: '${parsed.validTo}'`);
  }
  return notAfter;
}
