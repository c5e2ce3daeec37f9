// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { revokedSerials } from '../../src/fabric-ca/crl';

/** A CRL OpenSSL signs as a throw-away CA, revoking the given serials (hex); v1 has no extensions. */
function opensslCrl(serials: string[], version2 = true): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crl-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file('ca.key')]);
    fs.writeFileSync(
      file('ca.pem'),
      openssl(['req', '-new', '-x509', '-key', file('ca.key'), '-subj', '/CN=ca', '-days', '1']),
    );
    fs.writeFileSync(
      file('index.txt'),
      serials
        .map((serial) => `R\t300101000000Z\t240101000000Z\t${serial}\tunknown\t/CN=u\n`)
        .join(''),
    );
    fs.writeFileSync(file('crlnumber'), '01\n');
    fs.writeFileSync(
      file('ca.cnf'),
      [
        '[ca]',
        'default_ca = local',
        '[local]',
        `database = ${file('index.txt')}`,
        `certificate = ${file('ca.pem')}`,
        `private_key = ${file('ca.key')}`,
        'default_md = sha256',
        'default_crl_days = 1',
        // a CRL number or extensions make it version 2
        ...(version2
          ? [
              `crlnumber = ${file('crlnumber')}`,
              'crl_extensions = crl_ext',
              '[crl_ext]',
              'authorityKeyIdentifier = keyid',
            ]
          : []),
      ].join('\n'),
    );
    return openssl(['ca', '-gencrl', '-config', file('ca.cnf')]).toString('utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('revokedSerials', function () {
  it("reads every serial an OpenSSL CRL revokes, as Node's X509Certificate shows serials", function () {
    const serials = ['0A1B2C', '7F', 'C0FFEE00112233445566778899AABBCCDDEEFF01'];
    assert.deepEqual(revokedSerials(opensslCrl(serials)).sort(), [...serials].sort());
    // a version 1 CRL has no version field: the fields shift by one
    assert.deepEqual(revokedSerials(opensslCrl(['01', '02'], false)), ['01', '02']);
  });

  it('answers none for a CRL that revokes nothing', function () {
    assert.deepEqual(revokedSerials(opensslCrl([])), []);
  });

  it('refuses what is not a CRL', function () {
    assert.throws(() =>
      revokedSerials('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'),
    );
  });
});
