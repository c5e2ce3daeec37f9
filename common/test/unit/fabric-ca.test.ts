// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { authToken } from '../../src/fabric-ca/client';
import { certificateRequest, lowS, newSigningKey } from '../../src/fabric-ca/csr';
import { readTlv } from '../../src/fabric-ca/der';

const ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

function sOf(signature: Buffer): bigint {
  const outer = readTlv(signature, 0);
  const r = readTlv(outer.content, 0);
  const s = readTlv(outer.content, r.end);
  return BigInt(`0x${s.content.toString('hex')}`);
}

describe('Fabric CA client pieces', function () {
  it('writes a PKCS#10 request that OpenSSL verifies, for the given name and key', function () {
    const key = newSigningKey();
    const pem = certificateRequest(key, 'alice@org1');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'csr-')), 'req.pem');
    fs.writeFileSync(file, pem);
    const text = execFileSync('openssl', ['req', '-in', file, '-noout', '-verify', '-subject'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    assert.match(text, /CN\s*=\s*alice@org1/);
    const publicKey = execFileSync('openssl', ['req', '-in', file, '-noout', '-pubkey'], {
      encoding: 'utf8',
    });
    assert.ok(crypto.createPublicKey(publicKey).equals(crypto.createPublicKey(key)));
  });

  it('keeps ECDSA signatures in low-s form, still valid', function () {
    const key = newSigningKey();
    for (let index = 0; index < 20; index += 1) {
      const data = Buffer.from(`message ${index}`);
      const signature = lowS(crypto.sign('sha256', data, key));
      assert.ok(sOf(signature) <= ORDER / 2n);
      assert.ok(crypto.verify('sha256', data, crypto.createPublicKey(key), signature));
    }
  });

  it('signs a CA token over method, path, body and certificate, as Fabric CA checks it', function () {
    const key = newSigningKey();
    const certificate = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    const body = '{"id":"bob"}';
    const token = authToken({ certificate, privateKey: key }, 'POST', '/api/v1/register', body);
    const [cert, signature] = token.split('.');
    assert.equal(Buffer.from(cert!, 'base64').toString('utf8'), certificate);
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const payload = `POST.${b64('/api/v1/register')}.${b64(body)}.${cert}`;
    assert.ok(
      crypto.verify(
        'sha256',
        Buffer.from(payload),
        crypto.createPublicKey(key),
        Buffer.from(signature!, 'base64'),
      ),
    );
  });
});
