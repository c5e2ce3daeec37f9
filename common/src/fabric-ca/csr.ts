// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';

import { oid, readTlv, sequence, set, tlv, unsignedInteger, utf8 } from './der';

const COMMON_NAME = '2.5.4.3';
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
/** The order of P-256, the curve Fabric identities use. */
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/** A new P-256 key pair, the kind Fabric CA certifies by default. */
export function newSigningKey(): crypto.KeyObject {
  return crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

/** A PEM PKCS#10 request for the key, with the given common name as its subject. */
export function certificateRequest(key: crypto.KeyObject, commonName: string): string {
  const publicKey = crypto.createPublicKey(key).export({ type: 'spki', format: 'der' });
  const subject = sequence(set(sequence(oid(COMMON_NAME), utf8(commonName))));
  const info = sequence(
    unsignedInteger(Buffer.from([0])),
    subject,
    publicKey,
    tlv(0xa0, Buffer.alloc(0)),
  );
  const signature = Buffer.concat([Buffer.from([0]), crypto.sign('sha256', info, key)]);
  const request = sequence(info, sequence(oid(ECDSA_WITH_SHA256)), tlv(0x03, signature));
  const body = request.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE REQUEST-----\n${body}\n-----END CERTIFICATE REQUEST-----\n`;
}

const toBigInt = (bytes: Buffer) => BigInt(`0x${bytes.toString('hex') || '0'}`);
function toBytes(value: bigint): Buffer {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}

/**
 * An ECDSA signature (DER) with s in the lower half of the curve order: Fabric, and Fabric CA's
 * token check, reject the equally valid high-s form that Node may produce.
 */
export function lowS(signature: Buffer): Buffer {
  const outer = readTlv(signature, 0);
  const r = readTlv(outer.content, 0);
  const s = readTlv(outer.content, r.end);
  let value = toBigInt(s.content);
  if (value > P256_ORDER / 2n) value = P256_ORDER - value;
  return sequence(unsignedInteger(r.content), unsignedInteger(toBytes(value)));
}
