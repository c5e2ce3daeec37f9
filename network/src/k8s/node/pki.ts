// SPDX-License-Identifier: Apache-2.0
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

import type { NodeLayout, NodePaths } from './layout';

/** The identities the cluster's components present, with the groups RBAC grants them by. */
export const NODE_IDENTITIES = {
  admin: { user: 'consortia-admin', groups: ['system:masters'] },
  kubelet: { user: 'system:node:NODE', groups: ['system:nodes'] },
  'kube-controller-manager': { user: 'system:kube-controller-manager', groups: [] },
  'kube-scheduler': { user: 'system:kube-scheduler', groups: [] },
  'kube-proxy': { user: 'system:kube-proxy', groups: [] },
} as const;

export type NodeIdentity = keyof typeof NODE_IDENTITIES;

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: 'pipe' });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    throw new Error(`openssl ${String(args[0])} failed: ${stderr.trim()}`, { cause: error });
  }
}

/** Signs a key pair for `name` with the node's CA; `extensions` is an openssl extension file. */
function issue(dir: string, name: string, subject: string, extensions: string): void {
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    ].concat(['-subj', subject]),
    dir,
  );
  openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key']
      .concat(['-CAcreateserial', '-out', `${name}.crt`, '-days', '30'])
      .concat(['-extfile', `${name}.ext`]),
    dir,
  );
}

/**
 * A CA, the API server's serving certificate (for every name pods and the machine dial), the
 * kubelet's serving certificate, the API server's client certificate towards the kubelet, and
 * the service-account signing key. Made once per state directory.
 */
export function makeNodePki(layout: NodeLayout, paths: NodePaths): void {
  const dir = paths.pki;
  if (fs.existsSync(path.join(dir, 'sa.pub'))) return;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt'].concat(
      ['-days', '30', '-subj', '/CN=consortia-node-ca'],
    ),
    dir,
  );
  const apiNames = [
    `IP:${layout.hostIp}`,
    `IP:${layout.apiServiceIp}`,
    'IP:127.0.0.1',
    'DNS:localhost',
    'DNS:kubernetes',
    'DNS:kubernetes.default',
    'DNS:kubernetes.default.svc',
    'DNS:kubernetes.default.svc.cluster.local',
  ];
  issue(
    dir,
    'apiserver',
    '/CN=kube-apiserver',
    `subjectAltName=${apiNames.join(',')}\nextendedKeyUsage=serverAuth\n`,
  );
  issue(
    dir,
    'kubelet',
    `/CN=system:node:${layout.nodeName}/O=system:nodes`,
    `subjectAltName=IP:${layout.nodeIp},DNS:${layout.nodeName}\nextendedKeyUsage=serverAuth\n`,
  );
  issue(
    dir,
    'apiserver-kubelet-client',
    '/CN=kube-apiserver-kubelet-client/O=system:masters',
    'extendedKeyUsage=clientAuth\n',
  );
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  fs.writeFileSync(path.join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  fs.writeFileSync(path.join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  writeTokensAndKubeconfigs(layout, paths);
}

function userOf(layout: NodeLayout, identity: NodeIdentity): string {
  return NODE_IDENTITIES[identity].user.replace('NODE', layout.nodeName);
}

/** The API server's token file (one random token per identity) and a kubeconfig for each. */
function writeTokensAndKubeconfigs(layout: NodeLayout, paths: NodePaths): void {
  fs.mkdirSync(paths.kubeconfigs, { recursive: true, mode: 0o700 });
  const ca = fs.readFileSync(path.join(paths.pki, 'ca.crt'));
  const lines: string[] = [];
  for (const identity of Object.keys(NODE_IDENTITIES) as NodeIdentity[]) {
    const token = crypto.randomBytes(24).toString('hex');
    const user = userOf(layout, identity);
    const groups = NODE_IDENTITIES[identity].groups.join(',');
    lines.push(`${token},${user},${user},"${groups}"`);
    fs.writeFileSync(kubeconfigPath(paths, identity), kubeconfig(layout, ca, identity, token), {
      mode: 0o600,
    });
  }
  fs.writeFileSync(paths.tokens, `${lines.join('\n')}\n`, { mode: 0o600 });
}

export function kubeconfigPath(paths: NodePaths, identity: NodeIdentity): string {
  return path.join(paths.kubeconfigs, `${identity}.kubeconfig`);
}

export function apiServerUrl(layout: NodeLayout): string {
  return `https://${layout.hostIp}:${layout.apiPort}`;
}

function kubeconfig(layout: NodeLayout, ca: Buffer, identity: NodeIdentity, token: string): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: layout.nodeName,
        cluster: {
          server: apiServerUrl(layout),
          'certificate-authority-data': ca.toString('base64'),
        },
      },
    ],
    users: [{ name: identity, user: { token } }],
    contexts: [{ name: identity, context: { cluster: layout.nodeName, user: identity } }],
    'current-context': identity,
  });
}
