// SPDX-License-Identifier: Apache-2.0
// `consortia k8s secrets` and the DAPP's per-user identities (org-blockchain dapp.userIdentities):
// the key-encryption keys, made once and kept, and the CA registrar of a network made with CAs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { parseKeks } from '@consortia/dapp';
import * as k8s from '@kubernetes/client-node';

import { cryptoMaterial, getCluster } from './fixture';
import { runOrg } from './support';

const NAMESPACES = ['--namespace', 'i-org1', '--app-namespace', 'i-org1-app'];

async function secretData(core: k8s.CoreV1Api, name: string): Promise<Record<string, string>> {
  const data = (await core.readNamespacedSecret({ name, namespace: 'i-org1' })).data ?? {};
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]),
  );
}

describe('consortia k8s secrets: per-user identity Secrets (real API server)', function () {
  this.timeout(120_000);
  let core: k8s.CoreV1Api;
  /** A network state dir made with CAs: crypto/ and the intermediate's registrar under ca/. */
  let stateDir: string;

  before(() => {
    core = getCluster().admin.makeApiClient(k8s.CoreV1Api);
    stateDir = path.join(getCluster().dir, 'ca-network');
    fs.cpSync(cryptoMaterial(), path.join(stateDir, 'crypto'), { recursive: true });
    const user = path.join(
      stateDir,
      'crypto/peerOrganizations/org1.example.com/users/User1@org1.example.com/msp',
    );
    const registrar = path.join(stateDir, 'ca/org1/intermediate-registrar/msp');
    fs.cpSync(user, registrar, { recursive: true });
  });

  const run = (from: string) => runOrg('secrets', ['--from', from, ...NAMESPACES]);

  it('makes the key-encryption keys once, and keeps them on later runs', async () => {
    const first = await run(cryptoMaterial());
    assert.equal(first.error, undefined, String(first.error));
    assert.match(first.stdout, /org1-dapp-identity-keks\s+i-org1\s+.*created/);
    const keks = (await secretData(core, 'org1-dapp-identity-keks')).keks ?? '';
    // what the DAPP's own parser accepts: one 32-byte key
    assert.equal(parseKeks(keks).length, 1);
    assert.doesNotMatch(first.stdout + first.stderr, new RegExp(keks.split(':')[1] ?? 'x'));
    // no CA state beside cryptogen material: the enrollment Job makes the registrar instead
    await assert.rejects(
      core.readNamespacedSecret({ name: 'org1-dapp-ca-registrar', namespace: 'i-org1' }),
    );

    const again = await run(cryptoMaterial());
    assert.match(again.stdout, /org1-dapp-identity-keks\s+.*kept/);
    assert.equal((await secretData(core, 'org1-dapp-identity-keks')).keks, keks);
  });

  it('packs the CA registrar of a network made with CAs for the DAPP', async () => {
    const result = await run(stateDir);
    assert.equal(result.error, undefined, String(result.error));
    assert.match(result.stdout, /org1-dapp-ca-registrar\s+i-org1\s+.*created/);
    const msp = path.join(stateDir, 'ca/org1/intermediate-registrar/msp');
    const registrar = await secretData(core, 'org1-dapp-ca-registrar');
    const only = (dir: string) =>
      fs.readFileSync(path.join(msp, dir, fs.readdirSync(path.join(msp, dir))[0] ?? ''), 'utf8');
    assert.equal(registrar['cert.pem'], only('signcerts'));
    assert.equal(registrar['key.pem'], only('keystore'));
  });
});
