// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import YAML from 'yaml';

import type { NodeLayout, NodePaths } from './layout';
import { nodeCgroupRoot } from './layout';
import { kubeconfigPath } from './pki';

/** The sandbox ("pause") image every pod starts with; built locally, never pulled. */
export const PAUSE_IMAGE = 'consortia.local/pause:3.10';

export interface ContainerdSettings {
  runc: string;
  cniBinDir: string;
}

/** containerd 2.x configuration (format version 3) keeping all of its state in the state dir. */
export function containerdConfig(paths: NodePaths, settings: ContainerdSettings): string {
  const q = (value: string) => JSON.stringify(value);
  return [
    'version = 3',
    `root = ${q(paths.containerdRoot)}`,
    `state = ${q(paths.containerdState)}`,
    '',
    '[grpc]',
    `  address = ${q(paths.containerdSocket)}`,
    '',
    '[ttrpc]',
    `  address = ${q(`${paths.containerdSocket}.ttrpc`)}`,
    '',
    "[plugins.'io.containerd.internal.v1.opt']",
    `  path = ${q(path.join(paths.containerdRoot, 'opt'))}`,
    '',
    "[plugins.'io.containerd.cri.v1.images']",
    "  snapshotter = 'overlayfs'",
    '',
    "[plugins.'io.containerd.cri.v1.images'.pinned_images]",
    `  sandbox = ${q(PAUSE_IMAGE)}`,
    '',
    "[plugins.'io.containerd.cri.v1.runtime']",
    '  enable_selinux = false',
    // pods' network namespace files under containerd's state, not the machine's /var/run/netns
    '  netns_mounts_under_state_dir = true',
    // lowering oom_score_adj needs CAP_SYS_RESOURCE, which machines like this one do not grant:
    // the kubelet's -998 for sandboxes is raised to containerd's own score instead of failing
    '  restrict_oom_score_adj = true',
    '',
    "[plugins.'io.containerd.cri.v1.runtime'.containerd]",
    "  default_runtime_name = 'runc'",
    '',
    "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]",
    "  runtime_type = 'io.containerd.runc.v2'",
    '',
    "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]",
    `  BinaryName = ${q(settings.runc)}`,
    `  Root = ${q(paths.runcRoot)}`,
    '  SystemdCgroup = false',
    '',
    "[plugins.'io.containerd.cri.v1.runtime'.cni]",
    `  bin_dirs = [${q(settings.cniBinDir)}]`,
    `  conf_dir = ${q(paths.cniConfDir)}`,
    '',
  ].join('\n');
}

/** One bridge for the pods, addresses from host-local, hostPort through portmap. */
export function cniConfig(layout: NodeLayout, paths: NodePaths): string {
  const config = {
    cniVersion: '1.0.0',
    name: 'consortia',
    plugins: [
      {
        type: 'bridge',
        bridge: 'cni0',
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: layout.podCidr }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: paths.cniIpamDir,
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/**
 * The kubelet on cgroup v1 (which current releases refuse unless told otherwise), with its pods
 * under their own cgroup root and the imported images kept: they cannot be pulled again.
 */
export function kubeletConfig(layout: NodeLayout, paths: NodePaths): string {
  const pki = (name: string) => path.join(paths.pki, name);
  return YAML.stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    failCgroupV1: false,
    cgroupDriver: 'cgroupfs',
    cgroupRoot: nodeCgroupRoot(layout),
    containerRuntimeEndpoint: `unix://${paths.containerdSocket}`,
    address: layout.nodeIp,
    port: 10250,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: 10248,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: pki('ca.crt') },
    },
    authorization: { mode: 'Webhook' },
    tlsCertFile: pki('kubelet.crt'),
    tlsPrivateKeyFile: pki('kubelet.key'),
    clusterDomain: 'cluster.local',
    clusterDNS: [layout.dnsServiceIp],
    // the machine's resolver is not reachable from the node; pods resolve through CoreDNS only
    resolvConf: '',
    failSwapOn: false,
    staticPodPath: '',
    podLogsDir: paths.podLogs,
    serializeImagePulls: false,
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    evictionHard: {
      'memory.available': '100Mi',
      'nodefs.available': '1%',
      'imagefs.available': '1%',
      'nodefs.inodesFree': '1%',
    },
    maxPods: 110,
  });
}

export function kubeProxyConfig(layout: NodeLayout, paths: NodePaths): string {
  return YAML.stringify({
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    clientConnection: { kubeconfig: kubeconfigPath(paths, 'kube-proxy') },
    mode: 'iptables',
    hostnameOverride: layout.nodeName,
    clusterCIDR: layout.podCidr,
    metricsBindAddress: '127.0.0.1:10249',
    healthzBindAddress: '127.0.0.1:10256',
    nodePortAddresses: [`${layout.nodeIp}/32`],
    // keep its own score: lowering it needs CAP_SYS_RESOURCE
    oomScoreAdj: 0,
    // pods reach Services behind the same bridge without br_netfilter: replies come back routed
    iptables: { masqueradeAll: true },
    // leave the kernel's connection-tracking limits alone
    conntrack: { maxPerCore: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
  });
}
