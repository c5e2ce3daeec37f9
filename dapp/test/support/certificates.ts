// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import { openssl, selfSigned } from '@consortia/common/testing';

export interface TestCertificates {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** Signed by a different CA: must not authenticate. */
  strangerCert: string;
  strangerKey: string;
}

function signed(
  dir: string,
  name: string,
  ca: { cert: string; key: string },
  extensions: string,
): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}-key.pem`);
  const csr = path.join(dir, `${name}.csr`);
  const ext = path.join(dir, `${name}.ext`);
  fs.writeFileSync(ext, extensions);
  openssl([
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    csr,
    '-subj',
    `/CN=${name}`,
  ]);
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-days',
    '1',
    '-sha256',
    '-extfile',
    ext,
    '-out',
    cert,
  ]);
  return { cert, key };
}

/** A CA with a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
export function makeCertificates(dir: string): TestCertificates {
  fs.mkdirSync(dir, { recursive: true });
  const ca = selfSigned(dir, 'test-ca');
  const other = selfSigned(dir, 'other-ca');
  const server = signed(
    dir,
    'server',
    ca,
    'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  const client = signed(dir, 'portal-client', ca, 'extendedKeyUsage=clientAuth\n');
  const stranger = signed(dir, 'stranger', other, 'extendedKeyUsage=clientAuth\n');
  return {
    caCert: ca.cert,
    serverCert: server.cert,
    serverKey: server.key,
    clientCert: client.cert,
    clientKey: client.key,
    strangerCert: stranger.cert,
    strangerKey: stranger.key,
  };
}
