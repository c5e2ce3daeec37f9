// SPDX-License-Identifier: Apache-2.0
/*
 * `consortia k8s channel join --channel-block` under Raft against a real API server: the osnadmin
 * Job in the ordering namespace, addressed to each orderer's admin port, its key in a Secret that
 * goes with the Job, then the peers' Job joining the block. No kubelet runs here: the tests play
 * the Job controller (finishNextJob), and the Services stand for the releases' own.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import * as k8s from '@kubernetes/client-node';

import { UserError } from '../../../src/errors';
import { finishNextJob } from './controllers';
import { getCluster, kubeArgs, runK8s } from './fixture';

const ORDERING = 'raft-ordering';
const ORG = 'raft-org1';

async function createServices(core: k8s.CoreV1Api): Promise<void> {
  const service = (
    namespace: string,
    name: string,
    component: string,
    ports: k8s.V1ServicePort[],
    instance: string,
    clusterIP?: string,
  ) =>
    core.createNamespacedService({
      namespace,
      body: {
        metadata: {
          name,
          labels: {
            'app.kubernetes.io/instance': instance,
            'app.kubernetes.io/component': component,
          },
        },
        spec: { ports, selector: { app: name }, ...(clusterIP && { clusterIP }) },
      },
    });
  for (const namespace of [ORDERING, ORG]) {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  }
  const ordererPorts = [
    { name: 'grpc', port: 7050 },
    { name: 'admin', port: 7053 },
    { name: 'operations', port: 9443 },
  ];
  for (const index of [0, 1, 2]) {
    await service(
      ORDERING,
      `orderers-ordering-service-orderer${index}`,
      'orderer',
      ordererPorts,
      'orderers',
    );
  }
  // neither the headless Service nor a load balancer is an orderer's admin address
  await service(
    ORDERING,
    'orderers-ordering-service-orderer-headless',
    'orderer',
    [{ name: 'grpc', port: 7050 }],
    'orderers',
    'None',
  );
  await service(
    ORDERING,
    'orderers-ordering-service-orderer0-external',
    'orderer',
    [{ name: 'grpc', port: 7050 }],
    'orderers',
  );
  for (const index of [0, 1]) {
    await service(
      ORG,
      `org1-org-blockchain-peer${index}`,
      'peer',
      [
        { name: 'grpc', port: 7051 },
        { name: 'operations', port: 9443 },
      ],
      'org1',
    );
  }
}

describe('consortia k8s channel join under Raft (real API server)', function () {
  this.timeout(120_000);
  let files: Record<string, string>;

  before(async () => {
    const core = getCluster().admin.makeApiClient(k8s.CoreV1Api);
    await createServices(core);
    const dir = path.join(getCluster().dir, 'raft-join');
    fs.mkdirSync(dir, { recursive: true });
    files = Object.fromEntries(
      ['consortium.block', 'ca.crt', 'admin.crt', 'admin.key'].map((name) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, `${name} contents`);
        return [name, file];
      }),
    );
  });

  const args = (...extra: string[]) => [
    ...['k8s', 'channel', 'join', '--org', 'Org1', '--channel', 'consortium'],
    ...['--namespace', ORG, '--ordering-namespace', ORDERING],
    ...['--orderer', `orderers-ordering-service-orderer0.${ORDERING}.svc:7050`],
    ...['--orderer-ca', files['ca.crt'] ?? '', '--channel-block', files['consortium.block'] ?? ''],
    ...extra,
    ...kubeArgs(),
  ];
  const admin = () => [
    ...['--orderer-admin-cert', files['admin.crt'] ?? ''],
    ...['--orderer-admin-key', files['admin.key'] ?? ''],
  ];

  it('joins every orderer through osnadmin in the ordering namespace, then the peers with the block', async () => {
    const core = getCluster().admin.makeApiClient(k8s.CoreV1Api);
    let secretSeen: k8s.V1Secret | undefined;
    const orderers = finishNextJob(ORDERING, 'Complete');
    // the Job's key Secret exists while the Job runs
    const watchSecret = (async () => {
      for (let i = 0; i < 100 && !secretSeen; i++) {
        const secrets = await core.listNamespacedSecret({ namespace: ORDERING });
        secretSeen = secrets.items.find((s) => /channel-join/.test(s.metadata?.name ?? ''));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const runP = runK8s(args(...admin()));
    const ordererJob = await orderers;
    await watchSecret;
    const peerJob = await finishNextJob(ORG, 'Complete');
    const run = await runP;
    assert.equal(run.error, undefined, `${String(run.error)}\n${run.stderr}`);
    assert.match(run.stdout, new RegExp(`job ${ORDERING}/orderers-channel-join-\\S+ completed`));
    assert.match(run.stdout, new RegExp(`job ${ORG}/org1-channel-join-\\S+ completed`));

    const pod = ordererJob.spec?.template.spec;
    const script = pod?.containers[0]?.command?.[2] ?? '';
    for (const index of [0, 1, 2]) {
      const service = `orderers-ordering-service-orderer${index}`;
      assert.match(
        script,
        new RegExp(`^join ${service} ${service}\\.${ORDERING}\\.svc:7053$`, 'm'),
      );
      assert.match(script, new RegExp(`^active ${service} `, 'm'));
    }
    assert.doesNotMatch(script, /orderer-headless|external/);
    assert.match(
      script,
      /osnadmin channel join --channelID "\$CHANNEL" --config-block \/inputs\/channel.block/,
    );
    const name = ordererJob.metadata?.name ?? '';
    assert.deepEqual(
      pod?.volumes?.map((volume) => [
        volume.name,
        volume.configMap?.name ?? volume.secret?.secretName,
      ]),
      [
        ['inputs', name],
        ['admin-tls', name],
      ],
    );
    assert.equal(secretSeen?.metadata?.name, name);
    assert.equal(
      Buffer.from(secretSeen?.data?.['tls.key'] ?? '', 'base64').toString(),
      'admin.key contents',
    );
    // the key goes with the Job's run; so does the ConfigMap
    await assert.rejects(
      core.readNamespacedSecret({ name, namespace: ORDERING }),
      /404|not found/i,
    );
    await assert.rejects(
      core.readNamespacedConfigMap({ name, namespace: ORDERING }),
      /404|not found/i,
    );

    const peerScript = peerJob.spec?.template.spec?.containers[0]?.command?.[2] ?? '';
    assert.match(peerScript, /^cp \/inputs\/channel.block \/work\/channel.block$/m);
    assert.doesNotMatch(peerScript, /peer channel (fetch|create|update)/);
    assert.match(
      peerScript,
      /peer1\.raft-org1\.svc:7051 peer channel join -b \/work\/channel.block/,
    );
  });

  it('without the orderer admin identity joins only the peers', async () => {
    const [run] = await Promise.all([runK8s(args()), finishNextJob(ORG, 'Complete')]);
    assert.equal(run.error, undefined, String(run.error));
    assert.doesNotMatch(run.stdout, /orderers-channel-join/);
  });

  it('says which step failed when an orderer refuses, and leaves the peers alone', async () => {
    const [run] = await Promise.all([runK8s(args(...admin())), finishNextJob(ORDERING, 'Failed')]);
    assert.ok(run.error instanceof UserError, String(run.error));
    assert.match(run.error.message, /orderers-channel-join-\S+ \(orderer-channel-join\) failed/);
    const batch = getCluster().admin.makeApiClient(k8s.BatchV1Api);
    const pending = (await batch.listNamespacedJob({ namespace: ORG })).items.filter(
      (job) => !job.status?.conditions,
    );
    assert.deepEqual(pending, []);
  });

  it('refuses a missing channel block or mixed flags before creating anything', async () => {
    const batch = getCluster().admin.makeApiClient(k8s.BatchV1Api);
    const before = (await batch.listNamespacedJob({ namespace: ORDERING })).items.length;
    const missing = await runK8s([
      ...args(...admin()).map((arg) =>
        arg === files['consortium.block'] ? '/nowhere/c.block' : arg,
      ),
    ]);
    assert.ok(missing.error instanceof UserError, String(missing.error));
    assert.match(missing.error.message, /cannot read channel block \/nowhere\/c.block/);
    const mixed = await runK8s(args('--anchor-tx', files['ca.crt'] ?? ''));
    assert.ok(mixed.error instanceof UserError);
    assert.match(mixed.error.message, /--anchor-tx is for Kafka/);
    assert.equal((await batch.listNamespacedJob({ namespace: ORDERING })).items.length, before);
  });
});
