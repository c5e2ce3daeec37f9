// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';

import { caSigned, selfSigned } from '@consortia/common/testing';

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

/** A CA with a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
export function makeCertificates(dir: string): TestCertificates {
  fs.mkdirSync(dir, { recursive: true });
  const ca = selfSigned(dir, 'test-ca');
  const other = selfSigned(dir, 'other-ca');
  const server = caSigned(
    dir,
    'server',
    ca,
    'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  const client = caSigned(dir, 'portal-client', ca, 'extendedKeyUsage=clientAuth\n');
  const stranger = caSigned(dir, 'stranger', other, 'extendedKeyUsage=clientAuth\n');
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
