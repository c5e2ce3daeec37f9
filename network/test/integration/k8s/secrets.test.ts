// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { ApiKeyVerifier, hashApiKey, parseApiKeyEntries, readConfig } from '@consortia/dapp';
import * as k8s from '@kubernetes/client-node';

import { accessFrom } from '../../../../dapp/src/access/access';
import { apiKeyCaller } from '../../../../dapp/src/access/callers';
import { UserError } from '../../../src/errors';
import { cryptoMaterial, getCluster } from './fixture';
import type { OrgRun } from './support';
import { runOrg, runSecrets } from './support';

// namespaces of their own, so the deploy tests' Secrets do not show here
const OWN = [
  '--namespace',
  's-org1',
  '--app-namespace',
  's-org1-app',
  '--ordering-namespace',
  's-ordering',
];

async function secretValue(core: k8s.CoreV1Api, name: string, namespace: string, key: string) {
  return Buffer.from(
    (await core.readNamespacedSecret({ name, namespace })).data?.[key] ?? '',
    'base64',
  ).toString();
}

/** The Fabric identities the DAPP is given in these tests (FABRIC_IDENTITIES plus default). */
const DAPP_IDENTITIES = ['default', 'minter', 'auditor'];

/**
 * The DAPP's API keys Secret, read the way the DAPP reads it at startup (its config loader, then
 * its entry parser), and the applications' key checked by its verifier: the key's name, or a throw;
 * and the identities the DAPP lets that key sign as.
 */
async function dappAccepts(
  core: k8s.CoreV1Api,
): Promise<{ name?: string; key: string; identities: string[] }> {
  const entries = await secretValue(core, 'org1-dapp-api-keys', 's-org1', 'api-keys');
  const key = await secretValue(core, 'org1-dapp-credentials', 's-org1-app', 'api-key');
  const config = readConfig({ DAPP_API_KEYS: entries });
  const verifier = new ApiKeyVerifier(parseApiKeyEntries(config.DAPP_API_KEYS));
  const { policy } = accessFrom(config, (name) => DAPP_IDENTITIES.includes(name));
  const name = await verifier.verify(key);
  const identities = DAPP_IDENTITIES.filter(
    (identity) => name !== undefined && policy.mayUse(apiKeyCaller(name).id, identity),
  );
  return { name, key, identities };
}

/** The transient key Secret, read by the DAPP's own loader: whether it seals transient data. */
async function dappSealsTransientData(core: k8s.CoreV1Api): Promise<boolean> {
  const config = readConfig({
    DAPP_TRANSIENT_KEY: await secretValue(
      core,
      'org1-dapp-transient-key',
      's-org1',
      'transient-key',
    ),
  });
  return accessFrom(config, (name) => DAPP_IDENTITIES.includes(name)).vault.enabled;
}

const secretsRun = (extra: string[] = [], options: OrgRun = {}) =>
  runSecrets([...OWN, ...extra], options);

describe('consortia k8s secrets (real API server)', function () {
  this.timeout(120_000);
  let core: k8s.CoreV1Api;

  before(() => {
    core = getCluster().admin.makeApiClient(k8s.CoreV1Api);
  });

  it('creates the MSP, TLS and identity Secrets, labelled and annotated for helm', async () => {
    const run = await secretsRun();
    assert.equal(run.error, undefined, String(run.error));
    assert.match(run.stdout, /org1-peer0-msp\s+s-org1\s+.*created/);
    // key material never reaches the output
    assert.doesNotMatch(run.stdout + run.stderr, /BEGIN (EC )?PRIVATE KEY|BEGIN CERTIFICATE/);

    const names = (await core.listNamespacedSecret({ namespace: 's-org1' })).items
      .map((secret) => secret.metadata?.name)
      .sort();
    assert.deepEqual(names, [
      'org1-admin-msp',
      'org1-couchdb',
      'org1-dapp-api-keys',
      'org1-dapp-identity',
      'org1-dapp-identity-keks',
      'org1-dapp-transient-key',
      'org1-datasync-identity',
      'org1-peer0-msp',
      'org1-peer0-tls',
      'org1-peer1-msp',
      'org1-peer1-tls',
    ]);
    const msp = await core.readNamespacedSecret({
      name: 'org1-peer0-msp',
      namespace: 's-org1',
    });
    assert.deepEqual(Object.keys(msp.data ?? {}).sort(), [
      'cacert.pem',
      'cert.pem',
      'config.yaml',
      'key.pem',
      'tlscacert.pem',
    ]);
    assert.equal(msp.metadata?.labels?.['app.kubernetes.io/part-of'], 'consortia');
    assert.equal(msp.metadata?.labels?.['app.kubernetes.io/managed-by'], 'Helm');
    assert.equal(msp.metadata?.annotations?.['meta.helm.sh/release-name'], 'org1');
    assert.equal(msp.metadata?.annotations?.['meta.helm.sh/release-namespace'], 's-org1');
    const config = Buffer.from(msp.data?.['config.yaml'] ?? '', 'base64').toString();
    assert.match(config, /cacerts\/cacert\.pem/);
    // the DAPP starts with its Secret, and accepts the key the applications present
    const accepted = await dappAccepts(core);
    assert.equal(accepted.name, 'app-api');
    // the app-api signs as each user's identity: every one the DAPP has
    assert.deepEqual(accepted.identities, DAPP_IDENTITIES);
    assert.equal(await dappSealsTransientData(core), true);
    const keys = await core.readNamespacedSecret({
      name: 'org1-dapp-api-keys',
      namespace: 's-org1',
    });
    // only the hash reaches the DAPP's namespace
    assert.ok(
      !Buffer.from(keys.data?.['api-keys'] ?? '', 'base64')
        .toString()
        .includes(accepted.key),
    );
    const tls = await core.readNamespacedSecret({
      name: 'org1-peer0-tls',
      namespace: 's-org1',
    });
    assert.deepEqual(Object.keys(tls.data ?? {}).sort(), ['ca.crt', 'tls.crt', 'tls.key']);
  });

  it('updates what changed, leaves the rest, and keeps generated credentials', async () => {
    const keyBefore = await dappAccepts(core);
    const couchBefore = await core.readNamespacedSecret({
      name: 'org1-couchdb',
      namespace: 's-org1',
    });
    const transientBefore = await secretValue(
      core,
      'org1-dapp-transient-key',
      's-org1',
      'transient-key',
    );
    // a re-issued peer certificate: copy the tree and replace peer1's TLS certificate
    const copy = path.join(getCluster().dir, 'crypto-reissued');
    fs.cpSync(cryptoMaterial(), copy, { recursive: true });
    const peer0Tls = path.join(
      copy,
      'peerOrganizations/org1.example.com/peers/peer0.org1.example.com/tls/server.crt',
    );
    const peer1Tls = path.join(
      copy,
      'peerOrganizations/org1.example.com/peers/peer1.org1.example.com/tls/server.crt',
    );
    fs.copyFileSync(peer0Tls, peer1Tls);

    const run = await runOrg('secrets', ['--from', copy, ...OWN]);
    assert.equal(run.error, undefined, String(run.error));
    assert.match(run.stdout, /org1-peer1-tls\s+.*updated/);
    assert.match(run.stdout, /org1-peer0-tls\s+.*unchanged/);
    assert.match(run.stdout, /org1-couchdb\s+.*kept/);
    const tls = await core.readNamespacedSecret({
      name: 'org1-peer1-tls',
      namespace: 's-org1',
    });
    assert.equal(
      Buffer.from(tls.data?.['tls.crt'] ?? '', 'base64').toString(),
      fs.readFileSync(peer0Tls, 'utf8'),
    );
    const couchAfter = await core.readNamespacedSecret({
      name: 'org1-couchdb',
      namespace: 's-org1',
    });
    assert.deepEqual(couchAfter.data, couchBefore.data);
    // requests queued with transient data stay readable: the key is never replaced
    assert.match(run.stdout, /org1-dapp-transient-key\s+.*kept/);
    assert.equal(
      await secretValue(core, 'org1-dapp-transient-key', 's-org1', 'transient-key'),
      transientBefore,
    );
    // the applications keep the key the running DAPP already accepts
    assert.match(run.stdout, /org1-dapp-api-keys\s+.*unchanged/);
    assert.deepEqual(await dappAccepts(core), keyBefore);
  });

  it('replaces a DAPP key Secret the DAPP could not start with, keeping the entries that parse', async () => {
    // what earlier versions wrote: the raw key, which the DAPP's parser refuses at startup
    const raw = 'c2VjcmV0LXJhdy1rZXktd2l0aG91dC1hLWhhc2g';
    // an entry an operator added with the DAPP's own tool
    const operator = (await hashApiKey('ops')).entry;
    for (const [name, namespace, key, value] of [
      ['org1-dapp-api-keys', 's-org1', 'api-keys', `${raw},${operator}`],
      ['org1-dapp-credentials', 's-org1-app', 'api-key', raw],
    ] as const) {
      await core.patchNamespacedSecret(
        { name, namespace, body: { data: { [key]: Buffer.from(value).toString('base64') } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
    }
    await assert.rejects(dappAccepts(core), /DAPP_API_KEYS entry/);

    const run = await secretsRun();
    assert.equal(run.error, undefined, String(run.error));
    assert.match(run.stdout, /org1-dapp-api-keys\s+.*updated/);
    const accepted = await dappAccepts(core);
    assert.equal(accepted.name, 'app-api');
    assert.notEqual(accepted.key, raw);
    const entries = readConfig({
      DAPP_API_KEYS: Buffer.from(
        (await core.readNamespacedSecret({ name: 'org1-dapp-api-keys', namespace: 's-org1' }))
          .data?.['api-keys'] ?? '',
        'base64',
      ).toString(),
    }).DAPP_API_KEYS;
    assert.deepEqual([...parseApiKeyEntries(entries).keys()].sort(), ['app-api', 'ops']);
  });

  it("scopes the applications' key to the identities asked for, keeping the key", async () => {
    const before = await dappAccepts(core);
    const narrowed = await secretsRun(['--app-identities', 'default,auditor']);
    assert.equal(narrowed.error, undefined, String(narrowed.error));
    assert.match(narrowed.stdout, /org1-dapp-api-keys\s+.*updated/);
    assert.deepEqual(await dappAccepts(core), {
      ...before,
      identities: ['default', 'auditor'],
    });

    // an entry without identities (name:hash) lets the key sign as `default` only
    const entries = await secretValue(core, 'org1-dapp-api-keys', 's-org1', 'api-keys');
    const unscoped = entries
      .split(',')
      .map((entry) =>
        entry.startsWith('app-api:') ? entry.split(':').slice(0, 2).join(':') : entry,
      )
      .join(',');
    await core.patchNamespacedSecret(
      {
        name: 'org1-dapp-api-keys',
        namespace: 's-org1',
        body: { data: { 'api-keys': Buffer.from(unscoped).toString('base64') } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    assert.deepEqual((await dappAccepts(core)).identities, ['default']);
    const widened = await secretsRun();
    assert.equal(widened.error, undefined, String(widened.error));
    assert.deepEqual(await dappAccepts(core), { ...before, identities: DAPP_IDENTITIES });

    const bad = await secretsRun(['--app-identities', 'default,not an identity']);
    assert.ok(bad.error instanceof UserError, String(bad.error));
    assert.match(bad.error.message, /not Fabric identity names/);
    assert.deepEqual(await dappAccepts(core), { ...before, identities: DAPP_IDENTITIES });
  });

  it('creates the orderer Secrets in the ordering namespace with --ordering', async () => {
    const run = await secretsRun(['--ordering']);
    assert.equal(run.error, undefined, String(run.error));
    const names = (await core.listNamespacedSecret({ namespace: 's-ordering' })).items.map(
      (secret) => secret.metadata?.name,
    );
    for (const index of [0, 1, 2]) {
      assert.ok(names.includes(`orderers-orderer${index}-msp`));
      assert.ok(names.includes(`orderers-orderer${index}-tls`));
    }
  });

  it('names the fix when the crypto material is not there, or the rights are missing', async () => {
    const missing = await secretsRun([], { org: 'Org9' });
    assert.ok(missing.error instanceof UserError);
    assert.match(missing.error.message, /no crypto material for Org9/);
    assert.match(missing.error.hint ?? '', /--from/);

    const forbidden = await secretsRun([], { context: getCluster().restrictedContext });
    assert.ok(forbidden.error instanceof UserError);
    assert.match(forbidden.error.message, /forbidden/);
    assert.match(forbidden.error.hint ?? '', /preflight/);
  });
});
