// SPDX-License-Identifier: Apache-2.0
// What the org-blockchain chart gives the DAPP and the explorer, read by their own config loaders.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import { accessFrom } from '../../../../dapp/src/access/access';
import { apiKeyCaller, certificateCaller } from '../../../../dapp/src/access/callers';
import { configSchema as dappSchema, readConfig } from '../../../../dapp/src/config';
import { hashApiKey } from '../../../../dapp/src/http/api-keys';
import { readConfig as readExplorerConfig } from '../../../../explorer/src/config';
import { chartDir, renderNotes } from '../../../src/charts/helm';
import {
  RELEASE,
  chartUnderTest,
  containerEnvironment,
  containerNamed,
  envValue,
  named,
  ofKind,
} from './support';

const { fullname: FULLNAME, render, renderFailure } = chartUnderTest('org-blockchain');
const POSTGRES = { 'org1-postgres': { username: 'mirror', password: 'mirror-password' } };

describe('chart org-blockchain: DAPP and explorer settings', () => {
  it('gives every DAPP process the API keys, transient key and client identities it checks callers with', async () => {
    const objects = await render('default', {
      'dapp.clientIdentities[0]': 'Portal Client=default|auditor',
    });
    // one Deployment runs every DAPP process (API with in-process workers), scaled by the HPA,
    // so every replica reads the same Secrets
    const deployments = ofKind(objects, 'Deployment').filter(
      (object) => object.metadata.labels?.['app.kubernetes.io/component'] === 'dapp',
    );
    assert.deepEqual(
      deployments.map((object) => object.metadata.name),
      [`${FULLNAME}-dapp`],
    );
    const dapp = containerNamed(named(objects, 'Deployment', `${FULLNAME}-dapp`), 'dapp');
    const known = new Set([...Object.keys(dappSchema.shape), 'NODE_ENV']);
    // PGPORT, PGUSER, ...: node-postgres reads the libpq variables when PGHOST is set
    for (const variable of dapp.env ?? [])
      assert.ok(known.has(variable.name) || /^PG[A-Z]+$/.test(variable.name), variable.name);
    assert.throws(
      () =>
        containerEnvironment(dapp, {
          ...POSTGRES,
          'org1-dapp-api-keys': { 'api-keys': 'x' },
        }),
      /DAPP_TRANSIENT_KEY needs Secret org1-dapp-transient-key key transient-key/,
    );

    const made = await hashApiKey('app-api', undefined, ['*']);
    const config = readConfig(
      containerEnvironment(dapp, {
        ...POSTGRES,
        'org1-dapp-api-keys': { 'api-keys': made.entry },
        'org1-dapp-transient-key': { 'transient-key': randomBytes(32).toString('base64') },
      }),
    );
    const access = accessFrom(config, (name) => ['default', 'auditor'].includes(name));
    assert.equal(access.vault.enabled, true, 'async requests with transient data are accepted');
    assert.equal(await access.verifier.verify(made.key), 'app-api');
    assert.equal(access.policy.mayUse(apiKeyCaller('app-api').id, 'auditor'), true);
    assert.equal(access.policy.mayUse(certificateCaller('Portal Client').id, 'auditor'), true);
    assert.equal(access.policy.mayUse(certificateCaller('someone').id, 'auditor'), false);
  });

  it('sets no client identities unless given, and reads the transient key from a named Secret', async () => {
    const objects = await render('default', {
      'dapp.transientKeySecret': 'shared-transient-key',
    });
    const dapp = containerNamed(named(objects, 'Deployment', `${FULLNAME}-dapp`), 'dapp');
    assert.equal(
      dapp.env?.some((variable) => variable.name === 'DAPP_CLIENT_IDENTITIES'),
      false,
    );
    assert.deepEqual(dapp.env?.find((each) => each.name === 'DAPP_TRANSIENT_KEY')?.valueFrom, {
      secretKeyRef: { name: 'shared-transient-key', key: 'transient-key' },
    });
  });

  it('refuses client identities the DAPP could not parse', async () => {
    const error = await renderFailure({
      'dapp.clientIdentities[0]': 'portal-client',
    });
    assert.match(error.message, /at '\/dapp\/clientIdentities\/0': 'portal-client' does not match/);
  });

  it('tells the explorer which proxies may name the client, and warns while the ingress has none', async () => {
    const explorerOf = async (set: Record<string, string | boolean>) =>
      containerNamed(
        named(await render('default', set), 'Deployment', `${FULLNAME}-explorer`),
        'explorer',
      );
    const plain = await explorerOf({ 'explorer.demoMode': true });
    assert.deepEqual(readExplorerConfig(containerEnvironment(plain, POSTGRES)).trustedProxies, []);
    const proxied = await explorerOf({
      'explorer.demoMode': true,
      'explorer.trustedProxies[0]': '10.42.0.0/16',
      'explorer.trustedProxies[1]': 'loopback',
    });
    assert.equal(envValue(proxied, 'EXPLORER_TRUSTED_PROXIES'), '10.42.0.0/16,loopback');
    assert.deepEqual(readExplorerConfig(containerEnvironment(proxied, POSTGRES)).trustedProxies, [
      '10.42.0.0/16',
      'loopback',
    ]);

    const bad = await renderFailure({
      'explorer.trustedProxies[0]': 'ingress-nginx',
    });
    assert.match(bad.message, /at '\/explorer\/trustedProxies\/0': 'ingress-nginx' does not match/);

    const warned = await renderNotes(chartDir('org-blockchain'), { releaseName: RELEASE });
    assert.match(warned, /set explorer\.trustedProxies to the ingress controller's addresses/);
    const quiet = await renderNotes(chartDir('org-blockchain'), {
      releaseName: RELEASE,
      set: { 'explorer.trustedProxies[0]': '10.42.0.0/16' },
    });
    assert.doesNotMatch(quiet, /explorer\.trustedProxies/);
  });
});
