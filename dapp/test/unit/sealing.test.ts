// SPDX-License-Identifier: Apache-2.0
import { strict as assert } from 'node:assert';
import crypto from 'node:crypto';

import { parseKeks, openKey, sealKey } from '../../src/fabric/identities';
import { open, seal } from '../../src/sealing';
import { TransientVault } from '../../src/store/transient-vault';

const key = crypto.randomBytes(32);

/** The stored layout, written out by hand: version 1, IV, GCM tag, ciphertext, context as AAD. */
function sealedByHand(context: string, plaintext: Buffer): Buffer {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), body]);
}

describe('sealing (the DAPP stored format)', () => {
  it('opens values stored in the version 1 layout, and writes that layout', () => {
    const plaintext = Buffer.from('stored before', 'utf8');
    assert.deepEqual(open(key, 'ctx', sealedByHand('ctx', plaintext), 'unknown'), plaintext);
    const sealed = seal(key, 'ctx', plaintext);
    assert.equal(sealed[0], 1);
    assert.equal(sealed.length, 1 + 12 + 16 + plaintext.length);
  });

  it('refuses another context, an altered value and an unknown format', () => {
    const sealed = seal(key, 'ctx', Buffer.from('x'));
    assert.throws(() => open(key, 'other', sealed, 'unknown'));
    const altered = Buffer.from(sealed);
    const last = altered.length - 1;
    altered[last] = (altered[last] ?? 0) ^ 1;
    assert.throws(() => open(key, 'ctx', altered, 'unknown'));
    assert.throws(() => open(key, 'ctx', Buffer.from([2, ...sealed.subarray(1)]), 'unknown'), {
      message: 'unknown',
    });
  });

  it('transient data and identity keys sealed in that layout still open', () => {
    const vault = new TransientVault(key);
    const transient = { price: '7' };
    const stored = sealedByHand('req-1', Buffer.from(JSON.stringify(transient), 'utf8'));
    assert.deepEqual(vault.open('req-1', stored), transient);
    assert.deepEqual(vault.open('req-1', vault.seal('req-1', transient)), transient);

    const [kek] = parseKeks(`k1:${key.toString('hex')}`);
    assert.ok(kek);
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = privateKey.export({ type: 'pkcs8', format: 'der' });
    const opened = openKey(kek, 'alice', sealedByHand('alice', der));
    assert.deepEqual(opened.export({ type: 'pkcs8', format: 'der' }), der);
    assert.throws(() => openKey(kek, 'bob', sealKey(kek, 'alice', privateKey)));
  });
});
