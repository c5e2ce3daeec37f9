// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';

import type { Hash, Signer } from '@hyperledger/fabric-gateway';
import { hash, signers } from '@hyperledger/fabric-gateway';
import { p256, p384 } from '@noble/curves/nist';

/** What a gateway signs with: a signer and the digest it expects of each message. */
export interface GatewaySigning {
  signer: Signer;
  hash: Hash;
}

/** OpenSSL's names of the curves Fabric's MSPs use, with the SHA-2 each signs with. */
const CURVES = {
  prime256v1: { digest: 'sha256', curve: p256 },
  secp384r1: { digest: 'sha384', curve: p384 },
} as const;

/**
 * Signs with Node's own ECDSA (OpenSSL). fabric-gateway's private-key signer computes the
 * signature in JavaScript, which costs about a millisecond a signature; a client signs three
 * messages a transaction (proposal, envelope, commit-status request), so at a hundred
 * transactions a second that signer alone would take a third of a core. The gateway hands this
 * signer the whole message (`hash.none`) and OpenSSL hashes it. Fabric refuses a signature whose
 * S lies in the curve's upper half (each ECDSA signature has two valid forms), so S is brought
 * into the lower half, as fabric-gateway's signer does. A key of another kind keeps
 * fabric-gateway's signer (Ed25519 signs whole messages too).
 */
export function gatewaySigning(privateKey: crypto.KeyObject): GatewaySigning {
  const named = privateKey.asymmetricKeyDetails?.namedCurve;
  const known =
    named !== undefined && named in CURVES ? CURVES[named as keyof typeof CURVES] : undefined;
  if (privateKey.asymmetricKeyType !== 'ec' || !known) {
    return {
      signer: signers.newPrivateKeySigner(privateKey),
      hash: privateKey.asymmetricKeyType === 'ed25519' ? hash.none : hash.sha256,
    };
  }
  const { digest, curve } = known;
  const order = curve.Point.Fn.ORDER;
  return {
    hash: hash.none,
    signer: (message) => {
      const der = crypto.sign(digest, message, { key: privateKey, dsaEncoding: 'der' });
      const { r, s } = curve.Signature.fromBytes(der, 'der');
      if (s <= order >> 1n) return Promise.resolve(new Uint8Array(der));
      return Promise.resolve(new curve.Signature(r, order - s).toBytes('der'));
    },
  };
}
