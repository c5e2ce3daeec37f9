// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  caSigned,
  cryptogenClientMsp,
  selfSigned,
  selfSignedAt,
} from '../../src/testing/certificates';

function x509(file: string, ...args: string[]): string {
  return execFileSync('openssl', ['x509', '-in', file, '-noout', ...args], { encoding: 'utf8' });
}

describe('test certificates', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-certs-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('self-signs for a name, or for another subject with a subject alternative name', () => {
    const named = selfSigned(dir, 'alpha');
    assert.equal(named.cert, path.join(dir, 'alpha.pem'));
    assert.equal(named.key, path.join(dir, 'alpha-key.pem'));
    assert.match(x509(named.cert, '-subject'), /CN ?= ?alpha/);

    const server = selfSigned(dir, 'server', {
      subject: '/CN=127.0.0.1',
      subjectAltName: 'IP:127.0.0.1',
    });
    assert.match(x509(server.cert, '-subject'), /CN ?= ?127\.0\.0\.1/);
    assert.match(x509(server.cert, '-ext', 'subjectAltName'), /IP Address:127\.0\.0\.1/);
  });

  it('signs a certificate with a CA, with the extensions asked for', () => {
    const ca = selfSigned(dir, 'ca');
    const client = caSigned(dir, 'client', ca, 'extendedKeyUsage=clientAuth\n');
    const verified = execFileSync('openssl', ['verify', '-CAfile', ca.cert, client.cert], {
      encoding: 'utf8',
    });
    assert.match(verified, /OK/);
    assert.match(x509(client.cert, '-ext', 'extendedKeyUsage'), /Client Authentication/);
  });

  it("issues a client MSP folder from a cryptogen organization's CA", () => {
    const caDir = path.join(dir, 'org1-ca');
    const ca = selfSignedAt(
      { cert: path.join(caDir, 'ca.org1.example.com-cert.pem'), key: path.join(caDir, 'priv_sk') },
      '/CN=ca.org1.example.com',
    );
    const identities = path.join(dir, 'identities');
    const msp = cryptogenClientMsp(caDir, 'org1.example.com', 'bench0', identities);
    assert.equal(msp, path.join(identities, 'bench0', 'msp'));
    assert.deepEqual(fs.readdirSync(path.join(msp, 'signcerts')), ['cert.pem']);
    assert.deepEqual(fs.readdirSync(path.join(msp, 'keystore')), ['priv_sk']);
    const cert = path.join(msp, 'signcerts', 'cert.pem');
    const verified = execFileSync('openssl', ['verify', '-CAfile', ca.cert, cert], {
      encoding: 'utf8',
    });
    assert.match(verified, /OK/);
    assert.match(x509(cert, '-subject'), /OU ?= ?client, CN ?= ?bench0@org1\.example\.com/);
    assert.ok(fs.existsSync(path.join(identities, 'ca.srl')), 'the serial file stays with them');
    assert.equal(fs.readdirSync(caDir).length, 2, "nothing is added to the organization's CA");
  });
});
