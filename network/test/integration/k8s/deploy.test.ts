// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import * as k8s from '@kubernetes/client-node';
import YAML from 'yaml';

import { UserError } from '../../../src/errors';
import type { OrgStatus } from '../../../src/k8s/status';
import { finishNextJob, markWorkloadsReady } from './controllers';
import { cryptoMaterial, getCluster, kubeArgs, runK8s } from './fixture';
import { helm, runOrg, storeSecrets } from './support';

const NAMESPACES = ['consortia-ordering', 'consortia-org1', 'consortia-org1-app'];

/*
 * No kubelet or controllers run against this API server: deploy's watch sees workloads become
 * available only because markWorkloadsReady writes their status subresources, as the
 * Deployment and StatefulSet controllers would.
 */
describe('consortia k8s deploy and status (real API server)', function () {
  this.timeout(300_000);

  before(() => storeSecrets(['--ordering']));

  for (const cloud of ['eks', 'pks'] as const) {
    it(`--dry-run passes the API server's validation with the ${cloud.toUpperCase()} values`, async () => {
      const run = await runOrg('deploy', ['--cloud', cloud, '--ordering', '--dry-run']);
      assert.equal(run.error, undefined, `${String(run.error)}\n${run.stderr}`);
      for (const release of ['orderers', 'org1']) {
        assert.match(run.stdout, new RegExp(`${release}\\s+consortia-\\S+\\s+\\S+\\s+[1-9]\\d*`));
      }
      // nothing was stored
      const apps = getCluster().admin.makeApiClient(k8s.AppsV1Api);
      for (const namespace of NAMESPACES) {
        assert.equal((await apps.listNamespacedStatefulSet({ namespace })).items.length, 0);
        assert.equal((await apps.listNamespacedDeployment({ namespace })).items.length, 0);
      }
    });
  }

  it('rejects an invalid object at the server in --dry-run', async () => {
    const run = await runOrg('deploy', [
      '--cloud',
      'eks',
      '--dry-run',
      '--set',
      'blockchain:commonLabels.tier=-not-a-label-',
    ]);
    assert.ok(run.error instanceof UserError, String(run.error));
    assert.match(run.error.message, /the API server rejected \d+ object\(s\) of org1/);
    assert.match(run.error.message, /Invalid value: "-not-a-label-"/);
  });

  it('installs every object, and waits until the workloads are available', async () => {
    const stop = markWorkloadsReady(NAMESPACES);
    try {
      const run = await runOrg('deploy', ['--cloud', 'eks', '--ordering', '--timeout', '120']);
      assert.equal(run.error, undefined, `${String(run.error)}\n${run.stderr}`);
      assert.match(run.stderr, /statefulset consortia-org1\/\S+peer0: 1\/1 ready/);
      assert.match(run.stdout, /workload\(s\) available/);
    } finally {
      await stop();
    }
    // every object helm rendered is in the cluster
    const objects = k8s.KubernetesObjectApi.makeApiClient(getCluster().admin);
    for (const [release, namespace] of [
      ['orderers', 'consortia-ordering'],
      ['org1', 'consortia-org1'],
      ['org1', 'consortia-org1-app'],
    ] as const) {
      const manifest = await helm(['get', 'manifest', release, '--namespace', namespace]);
      const rendered = YAML.parseAllDocuments(manifest)
        .map((document) => document.toJS() as k8s.KubernetesObject | null)
        .filter((object): object is k8s.KubernetesObject => Boolean(object?.kind));
      assert.ok(rendered.length > 3, `${release} rendered ${rendered.length} objects`);
      for (const object of rendered) {
        const found = await objects.read({
          apiVersion: object.apiVersion ?? '',
          kind: object.kind ?? '',
          metadata: { name: object.metadata?.name ?? '', namespace },
        });
        assert.equal(found.metadata?.name, object.metadata?.name);
      }
    }
  });

  it('reports releases, workloads, pods, endpoints and peer health', async () => {
    const run = await runOrg('status', ['--ordering', '--json']);
    assert.equal(run.error, undefined, String(run.error));
    const status = JSON.parse(run.stdout) as OrgStatus;
    assert.deepEqual(
      status.releases.map((release) => [release.release, release.status, release.revision]),
      [
        ['orderers', 'deployed', 1],
        ['org1', 'deployed', 1],
        ['org1', 'deployed', 1],
      ],
    );
    assert.ok(status.workloads.length > 5);
    assert.ok(status.workloads.every((workload) => workload.ready));
    assert.ok(status.endpoints.some((endpoint) => /peer0$/.test(endpoint.service)));
    // three peers, none reachable: no pods run behind their Services here
    assert.equal(status.peers.length, 3);
    assert.ok(status.peers.every((peer) => !peer.healthy && /unreachable/.test(peer.health)));

    const text = await runOrg('status');
    assert.equal(text.error, undefined, String(text.error));
    assert.match(text.stdout, /org1\s+consortia-org1\s+deployed\s+1/);
  });

  it('on a workload that never becomes available, shows its events and container state', async () => {
    const admin = getCluster().admin;
    const core = admin.makeApiClient(k8s.CoreV1Api);
    const apps = admin.makeApiClient(k8s.AppsV1Api);
    const namespace = 'consortia-org1';
    const peer0 = (await apps.listNamespacedStatefulSet({ namespace })).items.find((set) =>
      /peer0$/.test(set.metadata?.name ?? ''),
    );
    assert.ok(peer0?.metadata?.name);
    // a crash-looping pod of peer0, with the event a kubelet would have recorded
    await core
      .createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'default' } } })
      .catch(() => undefined);
    const serviceAccount = peer0.spec?.template.spec?.serviceAccountName;
    if (serviceAccount) {
      await core
        .createNamespacedServiceAccount({ namespace, body: { metadata: { name: serviceAccount } } })
        .catch(() => undefined);
    }
    const pod = await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: `${peer0.metadata.name}-0`, labels: peer0.spec?.selector.matchLabels },
        spec: { containers: [{ name: 'peer', image: 'hyperledger/fabric-peer:2.5.16' }] },
      },
    });
    pod.status = {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'peer',
          image: 'hyperledger/fabric-peer:2.5.16',
          imageID: '',
          ready: false,
          restartCount: 4,
          state: {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: 'back-off 40s restarting failed container',
            },
          },
          lastState: { terminated: { exitCode: 1, reason: 'Error' } },
        },
      ],
    };
    await core.replaceNamespacedPodStatus({ name: pod.metadata?.name ?? '', namespace, body: pod });
    await core.createNamespacedEvent({
      namespace,
      body: {
        metadata: { name: 'peer0-backoff' },
        involvedObject: { kind: 'Pod', name: pod.metadata?.name, namespace },
        reason: 'BackOff',
        message: 'Back-off restarting failed container peer',
        type: 'Warning',
        count: 5,
      },
    });

    // a new revision that the stand-in controller never reports ready for peer0
    const stop = markWorkloadsReady(NAMESPACES, (name) => name === peer0.metadata?.name);
    try {
      const run = await runOrg('deploy', [
        '--cloud',
        'eks',
        '--timeout',
        '5',
        '--set',
        'blockchain:peer.logLevel=DEBUG',
      ]);
      assert.ok(run.error instanceof UserError, String(run.error));
      assert.match(run.error.message, /not available after 5 s: consortia-org1\/\S+peer0/);
      assert.match(run.error.hint ?? '', /events and log lines/);
      assert.match(
        run.stderr,
        /Warning BackOff Pod\/\S+peer0-0: Back-off restarting failed container peer \(x5\)/,
      );
      assert.match(
        run.stderr,
        /container peer: waiting: CrashLoopBackOff.*last terminated: Error \(exit 1\), 4 restart/,
      );
      // no kubelet serves logs here, and the command says so instead of failing
      assert.match(run.stderr, /\| \(log unavailable: /);
    } finally {
      await stop();
    }
  });

  it('channel join runs the peer CLI as a Job and waits for it', async () => {
    const ordererCa = path.join(
      cryptoMaterial(),
      'ordererOrganizations/example.com/tlsca/tlsca.example.com-cert.pem',
    );
    const args = [
      'k8s',
      'channel',
      'join',
      '--org',
      'Org1',
      '--channel',
      'consortia',
      '--orderer',
      'ordering-service-orderer0.consortia-ordering.svc:7050',
      '--orderer-ca',
      ordererCa,
      ...kubeArgs(),
    ];
    const [run, job] = await Promise.all([
      runK8s(args),
      finishNextJob('consortia-org1', 'Complete'),
    ]);
    assert.equal(run.error, undefined, String(run.error));
    assert.match(run.stdout, /job consortia-org1\/org1-channel-join-\S+ completed/);
    const script = job.spec?.template.spec?.containers[0]?.command?.[2] ?? '';
    assert.match(script, /peer channel fetch 0/);
    for (const peer of [0, 1, 2]) {
      assert.match(
        script,
        new RegExp(
          `CORE_PEER_ADDRESS=\\S+peer${peer}\\.consortia-org1\\.svc:7051 peer channel join`,
        ),
      );
    }
    const env = job.spec?.template.spec?.containers[0]?.env ?? [];
    assert.ok(
      env.some((entry) => entry.name === 'CORE_PEER_LOCALMSPID' && entry.value === 'Org1MSP'),
    );

    const failing = await Promise.all([runK8s(args), finishNextJob('consortia-org1', 'Failed')]);
    assert.ok(failing[0].error instanceof UserError);
    assert.match(failing[0].error.message, /org1-channel-join-\S+ \(channel-join\) failed/);
  });

  it('chaincode deploy installs, approves and commits through a Job', async () => {
    const ordererCa = path.join(
      cryptoMaterial(),
      'ordererOrganizations/example.com/tlsca/tlsca.example.com-cert.pem',
    );
    const pkg = path.join(getCluster().dir, 'consortia.tar.gz');
    fs.writeFileSync(pkg, Buffer.from('not really a package; the Job does not run here'));
    const [run, job] = await Promise.all([
      runK8s([
        'k8s',
        'chaincode',
        'deploy',
        '--org',
        'Org1',
        '--channel',
        'consortia',
        '--name',
        'consortia',
        '--package',
        pkg,
        '--sequence',
        '2',
        '--commit',
        '--token-admin-msp',
        'Org1MSP',
        '--orderer',
        'ordering-service-orderer0.consortia-ordering.svc:7050',
        '--orderer-ca',
        ordererCa,
        ...kubeArgs(),
      ]),
      finishNextJob('consortia-org1', 'Complete'),
    ]);
    assert.equal(run.error, undefined, String(run.error));
    const script = job.spec?.template.spec?.containers[0]?.command?.[2] ?? '';
    assert.match(script, /peer lifecycle chaincode install/);
    assert.match(script, /approveformyorg/);
    assert.match(script, /peer lifecycle chaincode commit/);
    // right after the commit, the token admin org initializes the token, once
    const commitAt = script.indexOf('peer lifecycle chaincode commit');
    const initAt = script.indexOf('peer chaincode invoke');
    assert.ok(initAt > commitAt, 'Initialize follows the commit');
    assert.match(script.slice(initAt), /--waitForEvent -c "\$TOKEN_INIT"/);
    assert.match(script, /TokenContract:GetTokenInfo/);
    const env = Object.fromEntries(
      (job.spec?.template.spec?.containers[0]?.env ?? []).map((entry) => [entry.name, entry.value]),
    );
    assert.equal(env.TOKEN_ADMIN_MSP, 'Org1MSP');
    assert.equal(env.CORE_PEER_LOCALMSPID, 'Org1MSP');
    assert.deepEqual(JSON.parse(env.TOKEN_INIT ?? '{}'), {
      function: 'TokenContract:Initialize',
      Args: ['Consortia Token', 'CTK', '2', ''],
    });
  });
});
