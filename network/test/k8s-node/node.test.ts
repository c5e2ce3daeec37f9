// SPDX-License-Identifier: Apache-2.0
/*
 * A real single-node cluster: etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
 * containerd + runc, the CNI bridge, kubelet, kube-proxy and CoreDNS, all built here from Go
 * modules, with images built without Docker. Slow (the first run builds everything) and root
 * only, so it runs through `npm run test:k8s-node`, not `npm test`.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import * as k8s from '@kubernetes/client-node';

import { consortiaHome, installComponents } from '../../src/install';
import { kubernetesComponent } from '../../src/install/kubernetes';
import { CONTAINERD_VERSION, kubernetesNodeComponent } from '../../src/install/kubernetes-node';
import { fabricImages, serviceImage } from '../../src/k8s/images/app-images';
import { importImage, listImages } from '../../src/k8s/images/containerd';
import { NODE_IMAGES } from '../../src/k8s/images/node-images';
import { mountsUnder } from '../../src/k8s/node/cleanup';
import type { NodeCluster } from '../../src/k8s/node/cluster';
import { startNodeCluster, stopNodeCluster } from '../../src/k8s/node/cluster';
import { netnsExists } from '../../src/k8s/node/netns';
import { processesMentioning } from '../../src/k8s/node/processes';
import { waitFor } from './support';

const REPO = path.resolve(__dirname, '..', '..', '..');
const BASE_PORT = Number(process.env.CONSORTIA_K8S_NODE_BASE_PORT ?? 17400);

describe('a real single-node Kubernetes cluster', function () {
  this.timeout(10 * 60_000);
  const home = consortiaHome();
  let cluster: NodeCluster;
  let core: k8s.CoreV1Api;

  before(async function () {
    this.timeout(120 * 60_000);
    for (const component of [kubernetesComponent, kubernetesNodeComponent]) {
      if (component.isInstalled(home)) continue;
      const [outcome] = await installComponents([component], {
        home,
        env: process.env,
        progress: (line) => process.stderr.write(`${line}\n`),
      });
      if (outcome?.status === 'failed') throw outcome.error;
    }
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-k8s-node-'));
    const started = Date.now();
    cluster = await startNodeCluster({
      home,
      stateDir,
      basePort: BASE_PORT,
      progress: (line) => process.stderr.write(`  [node] ${line}\n`),
    });
    process.stderr.write(`  [node] cluster up in ${Math.round((Date.now() - started) / 1000)} s\n`);
    core = cluster.admin.makeApiClient(k8s.CoreV1Api);
  });

  after(async function () {
    this.timeout(120_000);
    if (!cluster) return;
    const { layout, paths } = cluster;
    await stopNodeCluster(layout, home, !process.env.CONSORTIA_KEEP_TEST_CLUSTER);
    // nothing of the node is left on the machine
    assert.equal(netnsExists(layout), false, 'the network namespace is gone');
    assert.deepEqual(mountsUnder(paths.stateDir), [], 'no mounts remain');
    assert.deepEqual(processesMentioning(paths.containerdSocket), [], 'no shim remains');
  });

  it('has a Ready node and the images built here in containerd', async () => {
    const node = await core.readNode({ name: cluster.layout.nodeName });
    const ready = node.status?.conditions?.find((condition) => condition.type === 'Ready');
    assert.equal(ready?.status, 'True');
    assert.equal(
      node.status?.nodeInfo?.containerRuntimeVersion,
      `containerd://${CONTAINERD_VERSION.replace(/^v/, '')}`,
    );
    assert.equal(node.status?.nodeInfo?.kubeletVersion, 'v1.36.3');
    const images = await listImages(cluster.containerd);
    for (const image of Object.values(NODE_IMAGES)) assert.ok(images.includes(image), image);
  });

  it('runs a pod that resolves the API server through CoreDNS', async () => {
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'hello' },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'hello',
              image: NODE_IMAGES.busybox,
              imagePullPolicy: 'Never',
              command: [
                'sh',
                '-c',
                'echo "hello from $(hostname)"; nslookup kubernetes.default.svc.cluster.local',
              ],
            },
          ],
        },
      },
    });
    const phase = await waitFor('the pod to finish', async () => {
      const pod = await core.readNamespacedPod({ name: 'hello', namespace: 'default' });
      const current = pod.status?.phase;
      return current === 'Succeeded' || current === 'Failed' ? current : undefined;
    });
    const log = await core.readNamespacedPodLog({ name: 'hello', namespace: 'default' });
    assert.equal(phase, 'Succeeded', log);
    assert.match(log, /hello from hello/);
    assert.match(log, new RegExp(`Address: ${cluster.layout.apiServiceIp.replace(/\./g, '\\.')}`));
  });

  it('routes a ClusterIP Service to a pod through kube-proxy, reachable from the machine', async () => {
    const labels = { app: 'web' };
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'web', labels },
        spec: {
          containers: [
            {
              name: 'web',
              image: NODE_IMAGES.busybox,
              imagePullPolicy: 'Never',
              command: [
                'sh',
                '-c',
                'mkdir -p /tmp/www && echo served-by-pod > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www',
              ],
              ports: [{ containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
            },
          ],
        },
      },
    });
    const service = await core.createNamespacedService({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
      },
    });
    const body = await waitFor('the Service to answer', async () => {
      const response = await fetch(`http://${service.spec?.clusterIP}/`, {
        signal: AbortSignal.timeout(2_000),
      });
      return response.ok ? await response.text() : undefined;
    });
    assert.equal(body.trim(), 'served-by-pod');
  });

  it('runs the Fabric peer and a Consortia service from images built without Docker', async function () {
    this.timeout(30 * 60_000);
    const context = {
      home,
      repo: REPO,
      progress: (line: string) => process.stderr.write(`  [images] ${line}\n`),
    };
    const peer = (await fabricImages(context)).find((image) => image.name.includes('fabric-peer'));
    assert.ok(peer);
    const dapp = await serviceImage(context, 'dapp');
    for (const image of [peer, dapp]) await importImage(cluster.containerd, image.archive);
    const run = async (name: string, image: string, command: string[]) => {
      await core.createNamespacedPod({
        namespace: 'default',
        body: {
          metadata: { name },
          spec: {
            restartPolicy: 'Never',
            securityContext: { runAsUser: 1000, runAsGroup: 1000 },
            containers: [{ name, image, imagePullPolicy: 'IfNotPresent', command }],
          },
        },
      });
      const phase = await waitFor(`${name} to finish`, async () => {
        const pod = await core.readNamespacedPod({ name, namespace: 'default' });
        const current = pod.status?.phase;
        return current === 'Succeeded' || current === 'Failed' ? current : undefined;
      });
      const log = await core.readNamespacedPodLog({ name, namespace: 'default' });
      assert.equal(phase, 'Succeeded', log);
      return log;
    };
    assert.match(await run('peer-version', peer.name, ['peer', 'version']), /Version: 2\.5/);
    // the workspaces the DAPP loads at run time are in its image (they were not before)
    const loaded = await run('dapp-modules', dapp.name, [
      'node',
      '-e',
      "require('@consortia/common'); require('@consortia/chaincode'); console.log('modules ok')",
    ]);
    assert.match(loaded, /modules ok/);
  });
});
