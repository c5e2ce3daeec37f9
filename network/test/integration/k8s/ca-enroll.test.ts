// SPDX-License-Identifier: Apache-2.0
/**
 * The org-blockchain chart's enrollment Job (ca.enroll): its objects as the chart renders them
 * are stored by the real API server, and the program its pod runs (`dapp enroll-org`) is run
 * here with that ServiceAccount's token against a real Fabric CA (a root and an intermediate):
 * the Role lets it write every Secret of its plan, and what it writes is what the peers and
 * services mount. No kubelet runs the pod itself (`npm run test:k8s-node` has a real node).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { FabricCaClient, revokedSerials } from '@consortia/common';
import type { EnrollmentSettings } from '@consortia/dapp';
import { enrollOrg, KubeObjects, parsePlan } from '@consortia/dapp';
import * as k8s from '@kubernetes/client-node';

import type { TestCas } from '../../../src/testing/test-cas';
import { startTestCas, testCasUnavailable } from '../../../src/testing/test-cas';
import { named, NAMESPACE, render } from '../charts/support';
import { getCluster } from './fixture';

const FULLNAME = 'org1-org-blockchain';
const CA_BASE_PORT = Number(process.env.CONSORTIA_K8S_ENROLL_CA_PORT ?? 26700);

describe('CA enrollment Job of org-blockchain (real CA, real API server)', function () {
  this.timeout(300_000);
  let cas: TestCas | undefined;
  let settings: EnrollmentSettings;
  let kube: KubeObjects;
  let core: k8s.CoreV1Api;

  before(async function () {
    const unavailable = testCasUnavailable();
    if (unavailable) {
      console.log(`      skipped: ${unavailable}`);
      this.skip();
    }
    cas = await startTestCas(CA_BASE_PORT);
    const cluster = getCluster();
    core = cluster.admin.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NAMESPACE } } }).catch(() => undefined);

    const objects = await render('org-blockchain', 'default', {
      'ca.enabled': true,
      'ca.enroll.enabled': true,
      'dapp.userIdentities.enabled': true,
      'peer.replicas': 2,
    });
    const enrollObjects = objects.filter(
      (object) => object.metadata.labels?.['app.kubernetes.io/component'] === 'ca-enroll',
    );
    assert.deepEqual(enrollObjects.map((object) => object.kind).sort(), [
      'Job',
      'Role',
      'RoleBinding',
      'ServiceAccount',
    ]);
    // stored for real: the API server validates them and RBAC takes the Role as it is
    const client = k8s.KubernetesObjectApi.makeApiClient(cluster.admin);
    for (const object of enrollObjects) {
      await client.create({ ...object, metadata: { ...object.metadata, namespace: NAMESPACE } });
    }
    const job = named(objects, 'Job', `${FULLNAME}-ca-enroll-r1`) as unknown as k8s.V1Job;
    const env = job.spec?.template.spec?.containers[0]?.env ?? [];
    const plan = parsePlan(env.find((entry) => entry.name === 'ENROLL_PLAN')?.value ?? '');
    const token = await core.createNamespacedServiceAccountToken({
      name: `${FULLNAME}-ca-enroll`,
      namespace: NAMESPACE,
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    kube = new KubeObjects({
      url: cluster.server,
      token: token.status?.token ?? '',
      ca: fs.readFileSync(path.join(cluster.dir, 'ca.crt'), 'utf8'),
      namespace: NAMESPACE,
    });
    const bootstrap = JSON.parse(
      fs.readFileSync(
        path.join(cas.stateDir, 'ca', 'org1', 'intermediate', 'registrar.json'),
        'utf8',
      ),
    ) as { id: string; secret: string };
    settings = {
      plan,
      ca: cas.endpoint,
      bootstrap: { user: bootstrap.id, password: bootstrap.secret },
      caWaitMs: 0,
    };
  });

  after(async function () {
    await cas?.stop();
  });

  async function secret(name: string): Promise<Record<string, string>> {
    const data = (await core.readNamespacedSecret({ name, namespace: NAMESPACE })).data ?? {};
    return Object.fromEntries(
      Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]),
    );
  }

  it('enrolls the peers, admin and services with NodeOUs, and TLS for the in-cluster names', async () => {
    const outcomes = await enrollOrg(settings, kube);
    assert.deepEqual(
      outcomes.map((outcome) => [outcome.id, outcome.action]),
      [
        [`${FULLNAME}-peer0`, 'enrolled'],
        [`${FULLNAME}-peer1`, 'enrolled'],
        [`${FULLNAME}-admin`, 'enrolled'],
        [`${FULLNAME}-dapp`, 'enrolled'],
        [`${FULLNAME}-datasync`, 'enrolled'],
        [`${FULLNAME}-dapp-registrar`, 'enrolled'],
      ],
    );

    const msp = await secret('org1-peer0-msp');
    const root = new crypto.X509Certificate(msp['cacert.pem'] ?? '');
    const intermediate = new crypto.X509Certificate(msp['intermediatecert.pem'] ?? '');
    assert.equal(root.subject, root.issuer, 'cacert.pem is the self-signed root');
    assert.ok(intermediate.verify(root.publicKey), 'the intermediate is the root’s');
    const peer = new crypto.X509Certificate(msp['cert.pem'] ?? '');
    assert.ok(peer.verify(intermediate.publicKey), 'the peer was enrolled at the intermediate');
    assert.match(peer.subject, /OU=peer/);
    assert.match(peer.subject, new RegExp(`CN=${FULLNAME}-peer0`));
    assert.match(
      msp['config.yaml'] ?? '',
      /PeerOUIdentifier:\n\s+Certificate: cacerts\/cacert.pem/,
    );
    const key = crypto.createPrivateKey(msp['key.pem'] ?? '');
    assert.ok(crypto.createPublicKey(key).equals(peer.publicKey), 'key.pem is the cert’s key');

    const tls = await secret('org1-peer0-tls');
    const serving = new crypto.X509Certificate(tls['tls.crt'] ?? '');
    assert.equal(
      serving.checkHost(`${FULLNAME}-peer0.${NAMESPACE}.svc.cluster.local`),
      `${FULLNAME}-peer0.${NAMESPACE}.svc.cluster.local`,
    );
    assert.equal(tls['ca.crt'], msp['cacert.pem']);
    assert.match(
      tls['tls.crt'] ?? '',
      /END CERTIFICATE-----\n-----BEGIN CERTIFICATE/,
      'chain sent',
    );

    assert.match(
      new crypto.X509Certificate((await secret('org1-admin-msp'))['cert.pem'] ?? '').subject,
      /OU=admin/,
    );
    for (const name of ['org1-dapp-identity', 'org1-datasync-identity']) {
      const identity = await secret(name);
      assert.match(new crypto.X509Certificate(identity['cert.pem'] ?? '').subject, /OU=client/);
      assert.equal(identity['tlscacert.pem'], msp['cacert.pem']);
    }
    const orgMsp = await core.readNamespacedConfigMap({
      name: 'org1-org-msp',
      namespace: NAMESPACE,
    });
    assert.deepEqual(Object.keys(orgMsp.data ?? {}).sort(), [
      'cacert.pem',
      'config.yaml',
      'intermediatecert.pem',
      'tlscacert.pem',
    ]);
  });

  it("gives the DAPP a registrar that registers users with the chaincode's attributes, revokes them and makes CRLs", async () => {
    const files = await secret('org1-dapp-ca-registrar');
    const registrar = {
      certificate: files['cert.pem'] ?? '',
      privateKey: crypto.createPrivateKey(files['key.pem'] ?? ''),
    };
    const ca = new FabricCaClient(settings.ca);
    const user = `kim-${Date.now().toString(36)}`;
    const secretOfUser = await ca.register(registrar, {
      id: user,
      type: 'client',
      attributes: { 'consortia.user': user, 'consortia.role': 'member' },
    });
    const enrolled = await ca.enroll(user, secretOfUser);
    const serial = new crypto.X509Certificate(enrolled.certificate).serialNumber.toLowerCase();
    const crl = await ca.revoke(registrar, user);
    assert.ok(
      revokedSerials(crl)
        .map((s) => s.toLowerCase())
        .includes(serial),
    );
    assert.ok((await ca.crl(registrar)).includes('BEGIN X509 CRL'));
  });

  it('runs again harmlessly, and enrolls anew only an identity whose Secret is gone', async () => {
    const before = await secret('org1-peer1-msp');
    await core.deleteNamespacedSecret({ name: 'org1-peer0-tls', namespace: NAMESPACE });
    const outcomes = await enrollOrg(settings, kube);
    assert.deepEqual(
      outcomes.filter((outcome) => outcome.action === 'enrolled').map((outcome) => outcome.id),
      [`${FULLNAME}-peer0`],
    );
    assert.deepEqual(await secret('org1-peer1-msp'), before, 'peer1 kept its key and certificate');
    const msp = await secret('org1-peer0-msp');
    const tls = await secret('org1-peer0-tls');
    // both Secrets of peer0 are from the new enrollment: one identity, one key pair each
    assert.equal(
      new crypto.X509Certificate(msp['cert.pem'] ?? '').subject,
      new crypto.X509Certificate(tls['tls.crt'] ?? '').subject,
    );
  });

  it('is refused a Secret its Role does not name', async () => {
    const stray = parsePlan(
      JSON.stringify({
        mspId: 'Org1MSP',
        identities: [
          {
            id: 'stray',
            type: 'client',
            secrets: [{ name: 'not-planned', layout: 'credentials' }],
          },
        ],
      }),
    );
    await assert.rejects(
      enrollOrg({ ...settings, plan: stray }, kube),
      /Secret not-planned: HTTP 403/,
    );
  });
});
