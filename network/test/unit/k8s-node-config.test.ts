// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import YAML from 'yaml';

import { findComponents } from '../../src/install';
import {
  kubernetesNodeComponent,
  NODE_RECORD_VERSION,
  seccompHeadersPresent,
  singleModuleGoMod,
} from '../../src/install/kubernetes-node';
import { mountsUnder } from '../../src/k8s/node/cleanup';
import {
  cniConfig,
  containerdConfig,
  kubeletConfig,
  kubeProxyConfig,
  PAUSE_IMAGE,
} from '../../src/k8s/node/config';
import { nodeLayout, nodePaths } from '../../src/k8s/node/layout';

describe('kubernetes-node: install component and node configuration', () => {
  const layout = nodeLayout({ stateDir: '/tmp/state', basePort: 17400 });
  const paths = nodePaths(layout);

  it('is installed only when named, and records every piece’s version', () => {
    assert.deepEqual(
      findComponents(['kubernetes-node']).map((component) => component.name),
      ['kubernetes-node'],
    );
    assert.ok(!findComponents(undefined).includes(kubernetesNodeComponent));
    assert.match(NODE_RECORD_VERSION, /kubernetes-v1\.36\.3\+containerd-v2\.4\.2\+runc-v1\.3\.0/);
    assert.equal(
      kubernetesNodeComponent.isInstalled(fs.mkdtempSync(path.join(os.tmpdir(), 'kn-'))),
      false,
    );
  });

  it('wraps one module per build and finds the seccomp headers runc needs', () => {
    assert.match(
      singleModuleGoMod('runc', 'github.com/opencontainers/runc', 'v1.3.0'),
      /require github.com\/opencontainers\/runc v1.3.0/,
    );
    const include = fs.mkdtempSync(path.join(os.tmpdir(), 'inc-'));
    assert.equal(seccompHeadersPresent([include]), false);
    fs.writeFileSync(path.join(include, 'seccomp.h'), '');
    assert.equal(seccompHeadersPresent([include]), true);
  });

  it('keeps the node apart from the machine: own namespace, addresses and ports', () => {
    assert.equal(layout.netns, 'consortia-node-17400');
    assert.ok(layout.hostVeth.length <= 15, 'interface names fit IFNAMSIZ');
    assert.equal(layout.apiPort, 17402);
    assert.equal(layout.dnsServiceIp, '10.96.0.10');
  });

  it('runs the kubelet on cgroup v1 with the pods under the node’s own cgroup', () => {
    const config = YAML.parse(kubeletConfig(layout, paths)) as Record<string, unknown>;
    assert.equal(config.failCgroupV1, false);
    assert.equal(config.cgroupDriver, 'cgroupfs');
    assert.equal(config.cgroupRoot, '/consortia-node-17400');
    assert.deepEqual(config.clusterDNS, ['10.96.0.10']);
    assert.equal(config.containerRuntimeEndpoint, `unix://${paths.containerdSocket}`);
  });

  it('points containerd at the node’s runc, CNI plugins and local sandbox image', () => {
    const toml = containerdConfig(paths, { runc: '/bin/runc', cniBinDir: '/cni' });
    assert.match(toml, /^version = 3$/m);
    assert.ok(toml.includes(`sandbox = "${PAUSE_IMAGE}"`));
    assert.ok(toml.includes('BinaryName = "/bin/runc"'));
    assert.ok(toml.includes('bin_dirs = ["/cni"]'));
    assert.ok(toml.includes('netns_mounts_under_state_dir = true'));
    assert.ok(toml.includes('restrict_oom_score_adj = true'));
    const cni = JSON.parse(cniConfig(layout, paths)) as { plugins: { type: string }[] };
    assert.deepEqual(
      cni.plugins.map((plugin) => plugin.type),
      ['bridge', 'portmap'],
    );
    const proxy = YAML.parse(kubeProxyConfig(layout, paths)) as Record<string, unknown>;
    assert.equal(proxy.mode, 'iptables');
  });

  it('finds the mounts to undo under the state dir, deepest first', () => {
    const mountinfo = [
      '1 0 8:1 / / rw - ext4 /dev/vda rw',
      '2 1 0:5 / /tmp/state/kubelet/pods/x/volumes rw - tmpfs tmpfs rw',
      '3 1 0:6 / /tmp/state/containerd/state/io.containerd.runtime.v2.task/k8s.io/abc/rootfs rw - overlay overlay rw',
      '4 1 0:7 / /tmp/state-other rw - tmpfs tmpfs rw',
      '5 1 0:8 / /tmp/state/with\\040space rw - tmpfs tmpfs rw',
    ].join('\n');
    assert.deepEqual(mountsUnder('/tmp/state', mountinfo), [
      '/tmp/state/containerd/state/io.containerd.runtime.v2.task/k8s.io/abc/rootfs',
      '/tmp/state/kubelet/pods/x/volumes',
      '/tmp/state/with space',
    ]);
  });
});
