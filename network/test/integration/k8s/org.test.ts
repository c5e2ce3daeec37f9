// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import * as k8s from '@kubernetes/client-node';
import YAML from 'yaml';

import { runFabric } from '../../../src/fabric/tools';
import { consortiaHome } from '../../../src/install';
import { clusterConfigtx, generateClusterMaterial } from '../../../src/k8s/material';
import { finishNextJob } from './controllers';
import { getCluster, kubeArgs, runK8s } from './fixture';

// Each organization's namespaces stand for its own cluster: its admin's identity is only in them.
const namespacesOf = (org: string) => [
  '--namespace',
  `o-${org}`,
  '--app-namespace',
  `o-${org}-app`,
  '--ordering-namespace',
  'o-ordering',
];
const CHANNEL = 'consortium';

type Profile = Record<string, unknown>;

/**
 * The application channel's first config block as the ordering service would make it: the
 * consortium material's application profile with its Orderer section (configtxgen -outputBlock).
 */
async function applicationConfigBlock(material: string, options: object): Promise<string> {
  const configtx = clusterConfigtx(
    options as Parameters<typeof clusterConfigtx>[0],
    path.join(material, 'crypto'),
  ) as { Profiles: Record<string, Profile> };
  const application = configtx.Profiles.ApplicationChannel ?? {};
  const system = configtx.Profiles.SystemChannel ?? {};
  const dir = path.join(material, 'application-block');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'configtx.yaml'),
    YAML.stringify({ Profiles: { Channel: { ...application, Orderer: system.Orderer } } }),
  );
  const block = path.join(dir, `${CHANNEL}.block`);
  await runFabric(
    'configtxgen',
    ['-configPath', dir, '-profile', 'Channel', '-channelID', CHANNEL, '-outputBlock', block],
    { home: consortiaHome() },
  );
  return block;
}

describe('consortia k8s org (real API server)', function () {
  this.timeout(300_000);
  let material: string;
  let configBlock: string;
  let core: k8s.CoreV1Api;
  const addOrg3 = (...extra: string[]) =>
    runK8s(['k8s', 'org', 'add', '--org', 'Org3', '--material', material, ...extra]);

  before(async function () {
    core = getCluster().admin.makeApiClient(k8s.CoreV1Api);
    material = path.join(getCluster().dir, 'org-material');
    const options = {
      home: consortiaHome(),
      out: material,
      orgs: 2,
      peersPerOrg: 1,
      orderers: 1,
      kafkaBrokers: 1,
      channel: CHANNEL,
    };
    await generateClusterMaterial(options);
    configBlock = await applicationConfigBlock(material, options);
  });

  it("add writes Org3's material, definition and values, and creates its Secrets", async () => {
    const run = await addOrg3(...kubeArgs(), ...namespacesOf('org3'));
    assert.equal(run.error, undefined, String(run.error));
    const names = (await core.listNamespacedSecret({ namespace: 'o-org3' })).items
      .map((secret) => secret.metadata?.name)
      .sort();
    for (const name of [
      'org3-admin-msp',
      'org3-peer0-msp',
      'org3-peer1-tls',
      'org3-dapp-api-keys',
    ]) {
      assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    }
    const app = (await core.listNamespacedSecret({ namespace: 'o-org3-app' })).items;
    assert.deepEqual(
      app.map((secret) => secret.metadata?.name),
      ['org3-dapp-credentials'],
    );
    assert.doesNotMatch(run.stdout + run.stderr, /PRIVATE KEY/);

    const out = path.join(material, 'org3');
    const blockchain = YAML.parse(
      fs.readFileSync(path.join(out, 'org-blockchain-values.yaml'), 'utf8'),
    ) as {
      org: { mspId: string };
      peer: { replicas: number; nodes: { externalEndpoint: string }[] };
    };
    assert.equal(blockchain.org.mspId, 'Org3MSP');
    assert.equal(blockchain.peer.replicas, 2);
    assert.equal(
      blockchain.peer.nodes[1]?.externalEndpoint,
      'org3-org-blockchain-peer1.consortia-org3.svc.cluster.local:7051',
    );
    const definition = fs.readFileSync(path.join(out, 'Org3MSP.json'), 'utf8');
    assert.match(definition, /"name": "Org3MSP"/);
    assert.match(definition, /org3-org-blockchain-peer0\.consortia-org3\.svc\.cluster\.local/);

    const again = await addOrg3('--no-secrets');
    assert.match(String(again.error), /Org3 already has crypto material/);
  });

  it('passes the envelope between clusters: each admin signs from its own Secret, submit waits for enough', async () => {
    for (const org of ['Org1', 'Org2']) {
      const slug = org.toLowerCase();
      const secrets = await runK8s([
        'k8s',
        'secrets',
        '--org',
        org,
        '--from',
        path.join(material, 'crypto', 'peerOrganizations', `${slug}.example.com`),
        ...kubeArgs(),
        ...namespacesOf(slug),
      ]);
      assert.equal(secrets.error, undefined, String(secrets.error));
    }
    const file = path.join(material, 'add-org3.pb');
    const created = await runK8s([
      'k8s',
      'org',
      'update',
      'create',
      '--config-block',
      configBlock,
      '--add',
      path.join(material, 'org3', 'Org3MSP.json'),
      '--output',
      file,
    ]);
    assert.equal(created.error, undefined, String(created.error));
    assert.match(created.stdout, /still missing: .*Org1MSP, Org2MSP/);

    const sign = (org: string) =>
      runK8s([
        'k8s',
        'org',
        'update',
        'sign',
        '--org',
        org,
        '--file',
        file,
        ...kubeArgs(),
        ...namespacesOf(org.toLowerCase()),
      ]);
    const signed = await sign('Org1');
    assert.equal(signed.error, undefined, String(signed.error));
    assert.match(String((await sign('Org1')).error), /already carries a signature of Org1MSP/);

    const ordererCa = path.join(
      material,
      'crypto/ordererOrganizations/ordering.example.com/tlsca/tlsca.ordering.example.com-cert.pem',
    );
    const submit = [
      'k8s',
      'org',
      'update',
      'submit',
      '--org',
      'Org1',
      '--file',
      file,
      '--config-block',
      configBlock,
      '--orderer',
      'orderers-ordering-service-orderer0.consortia-ordering.svc:7050',
      '--orderer-ca',
      ordererCa,
      '--timeout',
      '60',
      ...kubeArgs(),
      ...namespacesOf('org1'),
    ];
    // Org1's signature and its submit are one organization: a majority of two needs Org2 too
    const refused = await runK8s(submit);
    assert.match(String(refused.error), /needs 1 more admin signature, from each of Org2MSP/);
    const batch = getCluster().admin.makeApiClient(k8s.BatchV1Api);
    assert.equal((await batch.listNamespacedJob({ namespace: 'o-org1' })).items.length, 0);

    assert.equal((await sign('Org2')).error, undefined);
    const status = await runK8s([
      'k8s',
      'org',
      'update',
      'status',
      '--file',
      file,
      '--config-block',
      configBlock,
    ]);
    assert.match(status.stdout, /signed by: Org1MSP \(admin\), Org2MSP \(admin\)/);
    assert.match(status.stdout, /every required signature is present/);

    // the Job finds the org's peers by their Service, as the chart labels it
    await core.createNamespacedService({
      namespace: 'o-org1',
      body: {
        metadata: {
          name: 'org1-org-blockchain-peer0',
          labels: { 'app.kubernetes.io/instance': 'org1', 'app.kubernetes.io/component': 'peer' },
        },
        spec: {
          ports: [
            { name: 'grpc', port: 7051 },
            { name: 'operations', port: 9443 },
          ],
        },
      },
    });
    const [run, job] = await Promise.all([runK8s(submit), finishNextJob('o-org1', 'Complete')]);
    assert.equal(run.error, undefined, String(run.error));
    assert.match(run.stdout, /job o-org1\/org1-config-update-\S+ completed/);
    const script = job.spec?.template.spec?.containers[0]?.command?.[2] ?? '';
    assert.match(script, /peer channel update -f \/work\/update\.pb -c "\$CHANNEL"/);
    const env = Object.fromEntries(
      (job.spec?.template.spec?.containers[0]?.env ?? []).map((entry) => [entry.name, entry.value]),
    );
    assert.equal(env.CHANNEL, CHANNEL);
    assert.equal(env.CORE_PEER_LOCALMSPID, 'Org1MSP');
  });

  it('refuses a file that is not a config update before reading any Secret', async () => {
    const file = path.join(material, 'not-an-envelope.pb');
    fs.writeFileSync(file, 'not a protobuf envelope');
    const run = await runK8s([
      'k8s',
      'org',
      'update',
      'sign',
      '--org',
      'Org1',
      '--file',
      file,
      ...kubeArgs(),
      ...namespacesOf('org1'),
    ]);
    assert.match(String(run.error), /is not a config update envelope/);
  });
});
