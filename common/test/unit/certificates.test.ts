// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { certificateNotAfter } from '../../src/crypto';
import { selfSigned } from '../../src/testing';

describe('certificateNotAfter', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-not-after-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the expiry from a PEM string, a Buffer or a parsed certificate alike', () => {
    const pem = fs.readFileSync(selfSigned(dir, 'peer0').cert);
    const fromBuffer = certificateNotAfter(pem);
    assert.equal(certificateNotAfter(pem.toString('utf8')).getTime(), fromBuffer.getTime());
    assert.equal(certificateNotAfter(new X509Certificate(pem)).getTime(), fromBuffer.getTime());
    // the test certificates are valid one day
    const hours = (fromBuffer.getTime() - Date.now()) / 3_600_000;
    assert.ok(hours > 23 && hours <= 24.01, `expires in ${hours} hours`);
  });

  it('refuses what is not a certificate', () => {
    assert.throws(() => certificateNotAfter('not a certificate'));
  });
});
