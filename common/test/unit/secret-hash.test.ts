// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import {
  hashSecret,
  isSecretHash,
  needsRehash,
  parseSecretHash,
  sameText,
  verifyScryptHash,
  verifySecret,
} from '../../src/crypto';

const salt = Buffer.from('0123456789abcdef');
const b64 = (buffer: Buffer) => buffer.toString('base64url');
const raw = (secret: string, N: number) => crypto.scryptSync(secret, salt, 32, { N, r: 8, p: 1 });

describe('secret hashes', function () {
  it('writes one form without $, : or , and verifies only the right secret', async function () {
    const stored = await hashSecret('correct horse', 10);
    assert.match(stored, /^scrypt\.ln10\.r8\.p1\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    assert.equal(await verifySecret('correct horse', stored), true);
    assert.equal(await verifySecret('correct horsf', stored), false);
    assert.notEqual(await hashSecret('correct horse', 10), stored, 'a fresh salt each time');
  });

  it('normalizes the secret, so composed and decomposed accents match', async function () {
    const stored = await hashSecret('caf\u00e9', 10);
    assert.equal(await verifySecret('cafe\u0301', stored), true);
  });

  it('keeps verifying the app-api users’ earlier $scrypt$ form', async function () {
    const stored = `$scrypt$ln=10,r=8,p=1$${b64(salt)}$${b64(raw('caf\u00e9 pass', 1024))}`;
    assert.equal(await verifySecret('cafe\u0301 pass', stored), true);
    assert.equal(await verifySecret('other', stored), false);
  });

  it('keeps verifying the explorer operator’s earlier scrypt:N:r:p form, not normalized', async function () {
    const stored = `scrypt:1024:8:1:${b64(salt)}:${b64(raw('cafe\u0301', 1024))}`;
    assert.equal(isSecretHash(stored), true);
    assert.equal(await verifySecret('cafe\u0301', stored), true);
    assert.equal(await verifySecret('caf\u00e9', stored), false);
  });

  it('verifies parts stored elsewhere (the DAPP’s earlier salt:hash entries)', async function () {
    const parsed = { logN: 10, r: 8, p: 1, salt, hash: raw('app.key', 1024), normalize: false };
    assert.equal(await verifyScryptHash('app.key', parsed), true);
    assert.equal(await verifyScryptHash('app.other', parsed), false);
  });

  it('refuses unreadable values and costs beyond the bounds instead of computing them', async function () {
    for (const stored of [
      '',
      'plain',
      `scrypt.ln23.r8.p1.${b64(salt)}.${'A'.repeat(43)}`,
      `scrypt:1000:8:1:${b64(salt)}:${'A'.repeat(43)}`,
      `$scrypt$ln=10,r=99,p=1$${b64(salt)}$AAAA`,
    ]) {
      assert.equal(parseSecretHash(stored), undefined, stored);
      assert.equal(await verifySecret('x', stored), false, stored);
    }
    await assert.rejects(hashSecret('x', 30), /cost/);
  });

  it('asks for a rehash of earlier forms and of weaker costs', async function () {
    const current = await hashSecret('pw', 10);
    assert.equal(needsRehash(current, 10), false);
    assert.equal(needsRehash(current, 11), true);
    assert.equal(
      needsRehash(`$scrypt$ln=10,r=8,p=1$${b64(salt)}$${b64(raw('pw', 1024))}`, 10),
      true,
    );
    assert.equal(needsRehash('garbage', 10), true);
  });

  it('compares texts in constant time', function () {
    assert.equal(sameText('admin', 'admin'), true);
    assert.equal(sameText('admin', 'admin2'), false);
  });
});
