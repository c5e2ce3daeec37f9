// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { orgLayout } from '../../../src/k8s/naming';
import type { SecretSpec } from '../../../src/k8s/secrets';
import { collectSecrets, locateOrgCrypto } from '../../../src/k8s/secrets';
import { makeOrg } from '../../support/crypto-layout';
import { tempDir } from '../../support/temp';

describe('k8s secrets read from a cryptogen layout', function () {
  const domain = 'org1.consortia.local';
  let crypto: string;
  let specs: SecretSpec[];
  before(function () {
    crypto = path.join(tempDir('k8s-secrets-collect'), 'crypto');
    makeOrg(crypto, domain, 'peer', 1, ['Admin', 'User1']);
    const layout = orgLayout('org1');
    const dappKey = { entries: 'app-api:hash', key: 'app-api.secret', made: false };
    specs = collectSecrets(locateOrgCrypto(crypto, layout), layout, false, dappKey);
  });

  it("gives the DAPP and datasync the peers' TLS CA certificate, never the CA's key", function () {
    const tlsCa = fs.readFileSync(
      path.join(crypto, 'peerOrganizations', domain, 'tlsca', `tlsca.${domain}-cert.pem`),
    );
    for (const name of ['org1-dapp-identity', 'org1-datasync-identity']) {
      const spec = specs.find((each) => each.name === name);
      assert.ok(spec, name);
      assert.deepEqual(spec.files['tlscacert.pem'], tlsCa, name);
      assert.match(spec.files['cert.pem']?.toString() ?? '', /BEGIN CERTIFICATE/);
      assert.match(spec.files['key.pem']?.toString() ?? '', /PRIVATE KEY/);
    }
  });

  it('packs each peer MSP with exactly its certificate, key and CAs', function () {
    const msp = specs.find((each) => each.name === 'org1-peer0-msp');
    assert.ok(msp);
    assert.deepEqual(Object.keys(msp.files).sort(), [
      'cacert.pem',
      'cert.pem',
      'config.yaml',
      'key.pem',
      'tlscacert.pem',
    ]);
    assert.match(msp.files['cert.pem']?.toString() ?? '', /BEGIN CERTIFICATE/);
    assert.match(msp.files['key.pem']?.toString() ?? '', /PRIVATE KEY/);
    assert.match(msp.files['tlscacert.pem']?.toString() ?? '', /BEGIN CERTIFICATE/);
  });
});
