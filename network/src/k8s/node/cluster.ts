// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';

import * as k8s from '@kubernetes/client-node';

import { UserError } from '../../errors';
import { kubernetesBinary, kubernetesComponent } from '../../install/kubernetes';
import {
  cniBinDir,
  kubernetesNodeComponent,
  kubernetesNodeDir,
  nodeBinary,
} from '../../install/kubernetes-node';
import type { ContainerdClient } from '../images/containerd';
import { importImage } from '../images/containerd';
import { nodeImages } from '../images/node-images';
import {
  createCgroupRoot,
  deleteContainers,
  killShims,
  removeCgroups,
  unmountState,
} from './cleanup';
import { cniConfig, containerdConfig, kubeletConfig, kubeProxyConfig } from './config';
import { deployCoreDns } from './coredns';
import type { NodeLayout, NodeLayoutOptions, NodePaths } from './layout';
import { nodeLayout, nodePaths } from './layout';
import { checkNodeHost, createNodeNetwork, deleteNodeNetwork, netnsPath } from './netns';
import { apiServerUrl, kubeconfigPath, makeNodePki } from './pki';
import type { NodeProcess } from './processes';
import { startProcess, stopProcess, waitReady } from './processes';
import { ensureLocalVolumes, LOCAL_STORAGE_CLASS } from './storage';

/** Enough volumes for the ordering service and two organizations with every claim the charts make. */
const LOCAL_VOLUMES = 40;

export interface NodeCluster {
  layout: NodeLayout;
  paths: NodePaths;
  server: string;
  /** Kubeconfig of a system:masters user. */
  kubeconfig: string;
  admin: k8s.KubeConfig;
  containerd: ContainerdClient;
}

export interface StartNodeOptions extends NodeLayoutOptions {
  home: string;
  progress?: (line: string) => void;
}

/** Stop order: the node's agents, then the controllers, then the API server and etcd. */
const PROCESS_ORDER = [
  'kube-proxy',
  'kubelet',
  'containerd',
  'kube-scheduler',
  'kube-controller-manager',
  'kube-apiserver',
  'etcd',
] as const;

function httpsOk(url: string, ca: string | undefined, token?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = https.get(
      url,
      {
        ca,
        rejectUnauthorized: ca !== undefined,
        headers: token ? { Authorization: `Bearer ${token}` } : {},
        timeout: 5_000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

export function writeConfigs(home: string, layout: NodeLayout, paths: NodePaths): void {
  const dirs = [
    paths.cniConfDir,
    paths.cniIpamDir,
    paths.containerdRoot,
    paths.kubeletRoot,
    paths.podLogs,
  ];
  for (const dir of dirs) {
    fs.mkdirSync(dir, { recursive: true });
  }
  fs.writeFileSync(
    paths.containerdConfig,
    containerdConfig(paths, { runc: nodeBinary(home, 'runc'), cniBinDir: cniBinDir(home) }),
  );
  fs.writeFileSync(path.join(paths.cniConfDir, '10-consortia.conflist'), cniConfig(layout, paths));
  fs.writeFileSync(paths.kubeletConfig, kubeletConfig(layout, paths));
  fs.writeFileSync(paths.kubeProxyConfig, kubeProxyConfig(layout, paths));
}

export function nodeEnv(home: string): NodeJS.ProcessEnv {
  const bin = path.join(kubernetesNodeDir(home), 'bin');
  return { ...process.env, PATH: `${bin}:${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}` };
}

/** Runs a node agent inside the node's network namespace, nothing else of the machine changed. */
export function inNode(layout: NodeLayout, binary: string, args: string[]): [string, string[]] {
  return ['nsenter', [`--net=${netnsPath(layout)}`, '--', binary, ...args]];
}

export async function startControlPlane(
  home: string,
  layout: NodeLayout,
  paths: NodePaths,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const pki = (name: string) => path.join(paths.pki, name);
  const etcdUrl = `http://127.0.0.1:${layout.etcdPort}`;
  const peerUrl = `http://127.0.0.1:${layout.etcdPeerPort}`;
  const etcd = startProcess(
    paths,
    'etcd',
    kubernetesBinary(home, 'etcd'),
    [
      `--name=${layout.nodeName}`,
      `--data-dir=${paths.etcdData}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=${layout.nodeName}=${peerUrl}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
    env,
  );
  await waitReady(etcd, async () => (await fetch(`${etcdUrl}/health`)).ok);

  const apiserver = startProcess(
    paths,
    'kube-apiserver',
    kubernetesBinary(home, 'kube-apiserver'),
    [
      `--etcd-servers=${etcdUrl}`,
      `--bind-address=${layout.hostIp}`,
      `--advertise-address=${layout.hostIp}`,
      `--secure-port=${layout.apiPort}`,
      `--cert-dir=${path.join(paths.pki, 'apiserver-generated')}`,
      `--tls-cert-file=${pki('apiserver.crt')}`,
      `--tls-private-key-file=${pki('apiserver.key')}`,
      `--client-ca-file=${pki('ca.crt')}`,
      `--kubelet-certificate-authority=${pki('ca.crt')}`,
      `--kubelet-client-certificate=${pki('apiserver-kubelet-client.crt')}`,
      `--kubelet-client-key=${pki('apiserver-kubelet-client.key')}`,
      // the node's name resolves nowhere; its address is in the Node object
      '--kubelet-preferred-address-types=InternalIP',
      `--token-auth-file=${paths.tokens}`,
      '--authorization-mode=Node,RBAC',
      '--allow-privileged=true',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki('sa.pub')}`,
      `--service-account-signing-key-file=${pki('sa.key')}`,
      `--service-cluster-ip-range=${layout.serviceCidr}`,
      '--enable-priority-and-fairness=false',
      '--profiling=false',
      '--v=1',
    ],
    env,
  );
  const ca = fs.readFileSync(pki('ca.crt'), 'utf8');
  const admin = new k8s.KubeConfig();
  admin.loadFromFile(kubeconfigPath(paths, 'admin'));
  const token = admin.getCurrentUser()?.token;
  await waitReady(apiserver, () => httpsOk(`${apiServerUrl(layout)}/readyz`, ca, token));

  const delegated = (identity: 'kube-controller-manager' | 'kube-scheduler') => [
    `--kubeconfig=${kubeconfigPath(paths, identity)}`,
    `--authentication-kubeconfig=${kubeconfigPath(paths, identity)}`,
    `--authorization-kubeconfig=${kubeconfigPath(paths, identity)}`,
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
    '--v=1',
  ];
  const controllers = startProcess(
    paths,
    'kube-controller-manager',
    nodeBinary(home, 'kube-controller-manager'),
    [
      ...delegated('kube-controller-manager'),
      `--secure-port=${layout.controllerManagerPort}`,
      `--service-account-private-key-file=${pki('sa.key')}`,
      `--root-ca-file=${pki('ca.crt')}`,
      `--cluster-signing-cert-file=${pki('ca.crt')}`,
      `--cluster-signing-key-file=${pki('ca.key')}`,
      '--use-service-account-credentials=true',
      `--service-cluster-ip-range=${layout.serviceCidr}`,
    ],
    env,
  );
  const scheduler = startProcess(
    paths,
    'kube-scheduler',
    nodeBinary(home, 'kube-scheduler'),
    [...delegated('kube-scheduler'), `--secure-port=${layout.schedulerPort}`],
    env,
  );
  await waitReady(controllers, () =>
    httpsOk(`https://127.0.0.1:${layout.controllerManagerPort}/healthz`, undefined),
  );
  await waitReady(scheduler, () =>
    httpsOk(`https://127.0.0.1:${layout.schedulerPort}/healthz`, undefined),
  );
}

async function nodeReady(admin: k8s.KubeConfig, name: string): Promise<boolean> {
  const node = await admin.makeApiClient(k8s.CoreV1Api).readNode({ name });
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

async function deploymentAvailable(
  admin: k8s.KubeConfig,
  namespace: string,
  name: string,
): Promise<boolean> {
  const deployment = await admin
    .makeApiClient(k8s.AppsV1Api)
    .readNamespacedDeployment({ name, namespace });
  return (deployment.status?.availableReplicas ?? 0) >= 1;
}

async function startNodeAgents(
  home: string,
  layout: NodeLayout,
  paths: NodePaths,
  env: NodeJS.ProcessEnv,
  admin: k8s.KubeConfig,
  progress: (line: string) => void,
): Promise<{ containerd: ContainerdClient; kubelet: NodeProcess }> {
  const containerd = startProcess(
    paths,
    'containerd',
    ...inNode(layout, nodeBinary(home, 'containerd'), ['--config', paths.containerdConfig]),
    env,
  );
  const client = { ctr: nodeBinary(home, 'ctr'), socket: paths.containerdSocket };
  await waitReady(containerd, async () => fs.existsSync(paths.containerdSocket));
  for (const image of nodeImages(home)) {
    progress(`importing ${image.name}`);
    await importImage(client, image.archive);
  }
  const kubelet = startProcess(
    paths,
    'kubelet',
    ...inNode(layout, nodeBinary(home, 'kubelet'), [
      `--config=${paths.kubeletConfig}`,
      `--kubeconfig=${kubeconfigPath(paths, 'kubelet')}`,
      `--root-dir=${paths.kubeletRoot}`,
      `--hostname-override=${layout.nodeName}`,
      `--node-ip=${layout.nodeIp}`,
      '--v=1',
    ]),
    env,
  );
  await waitReady(kubelet, () => nodeReady(admin, layout.nodeName), 180_000);
  startProcess(
    paths,
    'kube-proxy',
    ...inNode(layout, nodeBinary(home, 'kube-proxy'), [
      `--config=${paths.kubeProxyConfig}`,
      '--v=1',
    ]),
    env,
  );
  return { containerd: client, kubelet };
}

/**
 * Starts etcd, the control plane and one real node (containerd + runc, CNI bridge, kubelet,
 * kube-proxy) with CoreDNS, stopping first whatever a previous run left in the same state dir.
 */
export async function startNodeCluster(options: StartNodeOptions): Promise<NodeCluster> {
  const progress = options.progress ?? (() => undefined);
  checkNodeHost();
  for (const component of [kubernetesComponent, kubernetesNodeComponent]) {
    if (!component.isInstalled(options.home)) {
      throw new UserError(
        `${component.name} is not installed`,
        `run \`consortia install ${component.name}\``,
      );
    }
  }
  const layout = nodeLayout(options);
  const paths = nodePaths(layout);
  await stopNodeCluster(layout, options.home);
  fs.mkdirSync(paths.stateDir, { recursive: true });
  makeNodePki(layout, paths);
  writeConfigs(options.home, layout, paths);
  const env = nodeEnv(options.home);
  progress(
    `network namespace ${layout.netns} (${layout.nodeIp}), API server ${apiServerUrl(layout)}`,
  );
  createNodeNetwork(layout);
  createCgroupRoot(layout);
  await startControlPlane(options.home, layout, paths, env);
  const admin = new k8s.KubeConfig();
  admin.loadFromFile(kubeconfigPath(paths, 'admin'));
  progress('control plane ready; starting containerd, kubelet and kube-proxy');
  const { containerd } = await startNodeAgents(options.home, layout, paths, env, admin, progress);
  progress('node Ready; deploying CoreDNS');
  await deployCoreDns(admin, layout.dnsServiceIp);
  const dns = { name: 'coredns', pid: process.pid, logFile: path.join(paths.logs, 'kubelet.log') };
  await waitReady(dns, () => deploymentAvailable(admin, 'kube-system', 'coredns'), 180_000);
  progress(`StorageClass ${LOCAL_STORAGE_CLASS}: ${LOCAL_VOLUMES} hostPath volumes`);
  await ensureLocalVolumes(admin, { dir: paths.volumes, count: LOCAL_VOLUMES });
  return {
    layout,
    paths,
    server: apiServerUrl(layout),
    kubeconfig: kubeconfigPath(paths, 'admin'),
    admin,
    containerd,
  };
}

/**
 * Stops everything the cluster started and leaves the machine as it was: containers, shims,
 * mounts, cgroups, routes and the namespace. The state dir stays (logs) unless `purge`.
 */
export async function stopNodeCluster(
  layout: NodeLayout,
  home: string,
  purge = false,
): Promise<void> {
  const paths = nodePaths(layout);
  for (const name of PROCESS_ORDER) {
    if (name === 'containerd') deleteContainers(nodeBinary(home, 'runc'), paths);
    await stopProcess(paths, name);
  }
  killShims(paths);
  removeCgroups(layout);
  unmountState(paths);
  deleteNodeNetwork(layout);
  if (purge) fs.rmSync(paths.stateDir, { recursive: true, force: true });
}
