// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

/**
 * Where a single-node cluster keeps its state and how it is addressed. The node (containerd,
 * kubelet, kube-proxy and the pods) lives in its own network namespace joined to the machine by
 * one veth pair, so its iptables rules, sysctls and bridge never touch the machine's own network;
 * etcd and the control plane run on the machine, the API server on the host end of the pair.
 */
export interface NodeLayout {
  stateDir: string;
  /** The Node object's name. */
  nodeName: string;
  /** Network namespace of the node (under /run/netns). */
  netns: string;
  /** Name of the machine's end of the veth pair. */
  hostVeth: string;
  hostIp: string;
  nodeIp: string;
  podCidr: string;
  serviceCidr: string;
  /** The first address of the service range: the `kubernetes` Service. */
  apiServiceIp: string;
  dnsServiceIp: string;
  etcdPort: number;
  etcdPeerPort: number;
  apiPort: number;
  controllerManagerPort: number;
  schedulerPort: number;
}

export interface NodeLayoutOptions {
  stateDir: string;
  /** Ports basePort..basePort+4 on the machine: etcd (2), API server, controller-manager, scheduler. */
  basePort?: number;
  /** Second octet-pair of the private /30 that joins node and machine: 10.<subnet>.0.0/30. */
  subnet?: number;
  name?: string;
}

export const DEFAULT_NODE_BASE_PORT = 17400;

export function nodeLayout(options: NodeLayoutOptions): NodeLayout {
  const base = options.basePort ?? DEFAULT_NODE_BASE_PORT;
  const subnet = options.subnet ?? 213;
  const name = options.name ?? 'consortia-node';
  // interface names are limited to 15 characters
  const suffix = String(base).slice(-5);
  return {
    stateDir: path.resolve(options.stateDir),
    nodeName: name,
    netns: `${name}-${suffix}`,
    hostVeth: `cnode${suffix}`,
    hostIp: `10.${subnet}.0.1`,
    nodeIp: `10.${subnet}.0.2`,
    podCidr: '10.244.0.0/24',
    serviceCidr: '10.96.0.0/16',
    apiServiceIp: '10.96.0.1',
    dnsServiceIp: '10.96.0.10',
    etcdPort: base,
    etcdPeerPort: base + 1,
    apiPort: base + 2,
    controllerManagerPort: base + 3,
    schedulerPort: base + 4,
  };
}

/** Paths inside the state directory, in one place so start and stop agree. */
export function nodePaths(layout: NodeLayout) {
  const dir = (...parts: string[]) => path.join(layout.stateDir, ...parts);
  return {
    stateDir: layout.stateDir,
    pki: dir('pki'),
    etcdData: dir('etcd'),
    logs: dir('logs'),
    pids: dir('pids'),
    kubeconfigs: dir('kubeconfig'),
    containerdRoot: dir('containerd', 'root'),
    containerdState: dir('containerd', 'state'),
    containerdSocket: dir('containerd', 'containerd.sock'),
    containerdConfig: dir('containerd', 'config.toml'),
    runcRoot: dir('runc'),
    cniConfDir: dir('cni', 'net.d'),
    cniIpamDir: dir('cni', 'ipam'),
    kubeletRoot: dir('kubelet'),
    podLogs: dir('pod-logs'),
    kubeletConfig: dir('kubelet-config.yaml'),
    kubeProxyConfig: dir('kube-proxy-config.yaml'),
    tokens: dir('pki', 'tokens.csv'),
    adminKubeconfig: dir('kubeconfig', 'admin.kubeconfig'),
    volumes: dir('volumes'),
  };
}

export type NodePaths = ReturnType<typeof nodePaths>;

/** The cgroup every pod of this node lives under, so stopping it can find and remove them. */
export function nodeCgroupRoot(layout: NodeLayout): string {
  return `/${layout.netns}`;
}
