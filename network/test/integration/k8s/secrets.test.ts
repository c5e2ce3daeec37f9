import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import * as k8s from '@kubernetes/client-node';

import { UserError } from '../../../src/errors';
import { cryptoMaterial, getCluster, kubeArgs as clusterArgs, runK8s } from './fixture';

// namespaces of their own, so the deploy tests' Secrets do not show here
const OWN = [
  '--namespace',
  's-org1',
  '--app-namespace',
  's-org1-app',
  '--ordering-namespace',
  's-ordering',
];
const kubeArgs = (context?: string) => [...clusterArgs(context), ...OWN];

describe('consortia k8s secrets (real API server)', function () {
  this.timeout(120_000);
  let core: k8s.CoreV1Api;

  before(() => {
    core = getCluster().admin.makeApiClient(k8s.CoreV1Api);
  });

  it('creates the MSP, TLS and identity Secrets, labelled and annotated for helm', async () => {
    const run = await runK8s([
      'k8s',
      'secrets',
      '--org',
      'Org1',
      '--from',
      cryptoMaterial(),
      ...kubeArgs(),
    ]);
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
    // the applications present the key the DAPP accepts
    const keys = await core.readNamespacedSecret({
      name: 'org1-dapp-api-keys',
      namespace: 's-org1',
    });
    const credentials = await core.readNamespacedSecret({
      name: 'org1-dapp-credentials',
      namespace: 's-org1-app',
    });
    assert.equal(credentials.data?.['api-key'], keys.data?.['api-keys']);
    const tls = await core.readNamespacedSecret({
      name: 'org1-peer0-tls',
      namespace: 's-org1',
    });
    assert.deepEqual(Object.keys(tls.data ?? {}).sort(), ['ca.crt', 'tls.crt', 'tls.key']);
  });

  it('updates what changed, leaves the rest, and keeps generated credentials', async () => {
    const couchBefore = await core.readNamespacedSecret({
      name: 'org1-couchdb',
      namespace: 's-org1',
    });
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

    const run = await runK8s(['k8s', 'secrets', '--org', 'Org1', '--from', copy, ...kubeArgs()]);
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
    const keys = await core.readNamespacedSecret({
      name: 'org1-dapp-api-keys',
      namespace: 's-org1',
    });
    const credentials = await core.readNamespacedSecret({
      name: 'org1-dapp-credentials',
      namespace: 's-org1-app',
    });
    assert.equal(credentials.data?.['api-key'], keys.data?.['api-keys']);
  });

  it('creates the orderer Secrets in the ordering namespace with --ordering', async () => {
    const run = await runK8s([
      'k8s',
      'secrets',
      '--org',
      'Org1',
      '--ordering',
      '--from',
      cryptoMaterial(),
      ...kubeArgs(),
    ]);
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
    const missing = await runK8s([
      'k8s',
      'secrets',
      '--org',
      'Org9',
      '--from',
      cryptoMaterial(),
      ...kubeArgs(),
    ]);
    assert.ok(missing.error instanceof UserError);
    assert.match(missing.error.message, /no crypto material for Org9/);
    assert.match(missing.error.hint ?? '', /--from/);

    const forbidden = await runK8s([
      'k8s',
      'secrets',
      '--org',
      'Org1',
      '--from',
      cryptoMaterial(),
      ...kubeArgs(getCluster().restrictedContext),
    ]);
    assert.ok(forbidden.error instanceof UserError);
    assert.match(forbidden.error.message, /forbidden/);
    assert.match(forbidden.error.hint ?? '', /preflight/);
  });
});
