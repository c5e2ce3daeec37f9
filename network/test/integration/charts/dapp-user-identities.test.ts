// SPDX-License-Identifier: Apache-2.0
// The org-blockchain chart's settings for the DAPP's per-user identities, read by the DAPP's own
// config loader: key-encryption keys from a Secret, the org's CA, its TLS root and the registrar.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import { readConfig } from '../../../../dapp/src/config';
import {
  NAMESPACE,
  chartUnderTest,
  containerEnvironment,
  containerNamed,
  envValue,
  named,
  podSpec,
} from './support';

const { fullname: FULLNAME, render, renderFailure } = chartUnderTest('org-blockchain');
const SECRETS = {
  'org1-postgres': { username: 'mirror', password: 'mirror-password' },
  'org1-dapp-api-keys': { 'api-keys': 'x' },
  'org1-dapp-transient-key': { 'transient-key': randomBytes(32).toString('base64') },
};

describe('chart org-blockchain: DAPP per-user identities', () => {
  it('are off by default: no key-encryption keys, no CA', async () => {
    const dapp = containerNamed(named(await render(), 'Deployment', `${FULLNAME}-dapp`), 'dapp');
    const config = readConfig(containerEnvironment(dapp, SECRETS));
    assert.equal(config.FABRIC_IDENTITY_KEKS, undefined);
    assert.equal(config.FABRIC_CA_URL, undefined);
  });

  it("enroll at this release's CA, with the keys, TLS root and registrar from Secrets", async () => {
    const objects = await render('default', {
      'ca.enabled': true,
      'dapp.userIdentities.enabled': true,
      'dapp.userIdentities.refreshMs': 2000,
    });
    const deployment = named(objects, 'Deployment', `${FULLNAME}-dapp`);
    const dapp = containerNamed(deployment, 'dapp');
    assert.throws(
      () => containerEnvironment(dapp, SECRETS),
      /FABRIC_IDENTITY_KEKS needs Secret org1-dapp-identity-keks key keks/,
    );
    const keks = `k1:${randomBytes(32).toString('base64')}`;
    const config = readConfig(
      containerEnvironment(dapp, { ...SECRETS, 'org1-dapp-identity-keks': { keks } }),
    );
    assert.equal(config.FABRIC_IDENTITY_KEKS, keks);
    assert.equal(config.FABRIC_IDENTITY_REFRESH_MS, 2000);
    assert.equal(
      config.FABRIC_CA_URL,
      `https://${FULLNAME}-ca.${NAMESPACE}.svc.cluster.local:7054`,
    );
    assert.equal(config.FABRIC_CA_NAME, 'ca');
    assert.equal(config.FABRIC_CA_TLS_CA_FILE, '/var/run/consortia/ca-tls/ca.crt');
    assert.equal(config.FABRIC_CA_REGISTRAR_CERT_FILE, '/var/run/consortia/ca-registrar/cert.pem');
    assert.equal(config.FABRIC_CA_REGISTRAR_KEY_FILE, '/var/run/consortia/ca-registrar/key.pem');
    const volumes = Object.fromEntries(
      (podSpec(deployment).volumes ?? []).map((volume) => [
        volume.name,
        (volume.secret as { secretName: string } | undefined)?.secretName,
      ]),
    );
    assert.equal(volumes['ca-tls'], 'org1-ca-tls');
    assert.equal(volumes['ca-registrar'], 'org1-dapp-ca-registrar');
  });

  it('enroll at a CA elsewhere when given its URL, and refuse to render without one', async () => {
    const dapp = containerNamed(
      named(
        await render('default', {
          'dapp.userIdentities.enabled': true,
          'dapp.userIdentities.caUrl': 'https://ca.org1.example.com:7054',
          'dapp.userIdentities.caTlsServerName': 'ca.org1.example.com',
          'dapp.userIdentities.keksSecret': 'org1-keks',
        }),
        'Deployment',
        `${FULLNAME}-dapp`,
      ),
      'dapp',
    );
    assert.equal(envValue(dapp, 'FABRIC_CA_URL'), 'https://ca.org1.example.com:7054');
    assert.equal(envValue(dapp, 'FABRIC_CA_NAME'), undefined, "the CA's default name");
    assert.equal(envValue(dapp, 'FABRIC_CA_TLS_SERVER_NAME'), 'ca.org1.example.com');
    assert.deepEqual(dapp.env?.find((each) => each.name === 'FABRIC_IDENTITY_KEKS')?.valueFrom, {
      secretKeyRef: { name: 'org1-keks', key: 'keks' },
    });
    const refused = await renderFailure({ 'dapp.userIdentities.enabled': true });
    assert.match(refused.message, /dapp\.userIdentities needs dapp\.userIdentities\.caUrl/);
  });
});
