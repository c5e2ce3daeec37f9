// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { hash } from '@hyperledger/fabric-gateway';
import { p256, p384 } from '@noble/curves/nist';

import { gatewaySigning } from '../../src/fabric';

const message = (index: number) => new TextEncoder().encode(`proposal ${index}`);

describe('gateway signing', function () {
  for (const { name, digest, curve } of [
    { name: 'P-256', digest: 'sha256', curve: p256 },
    { name: 'P-384', digest: 'sha384', curve: p384 },
  ] as const) {
    it(`signs whole messages with ${name} keys, every signature valid and low-S`, async function () {
      const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: name });
      const signing = gatewaySigning(privateKey);
      assert.equal(signing.hash, hash.none);
      // Half of raw ECDSA signatures have a high S; among 64, one that slipped through would show.
      for (let index = 0; index < 64; index += 1) {
        const signature = await signing.signer(message(index));
        assert.ok(
          crypto.verify(digest, message(index), publicKey, signature),
          `signature ${index}`,
        );
        assert.equal(
          curve.Signature.fromBytes(signature, 'der').hasHighS(),
          false,
          `S of ${index}`,
        );
      }
    });
  }

  it("keeps fabric-gateway's signer for an Ed25519 key", async function () {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
    const signing = gatewaySigning(privateKey);
    assert.equal(signing.hash, hash.none);
    const signature = await signing.signer(message(1));
    assert.ok(crypto.verify(null, message(1), publicKey, signature));
  });
});
