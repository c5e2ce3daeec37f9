// SPDX-License-Identifier: Apache-2.0
/*
 * One real etcd + kube-apiserver on loopback, shared by every k8s integration test file: the
 * hooks below sit at the root of the mocha run and the module is loaded once. No kubelet,
 * scheduler or controller-manager runs, so tests play the controllers' part by writing the
 * status subresources themselves.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';

import { freePort } from '@consortia/common/testing';
import * as k8s from '@kubernetes/client-node';
import { Command } from 'commander';
import YAML from 'yaml';

import { consortiaHome, installComponents } from '../../../src/install';
import { kubernetesBinary, kubernetesComponent } from '../../../src/install/kubernetes';
import type { K8sDependencies } from '../../../src/cli/commands/k8s';
import { registerK8s } from '../../../src/cli/commands/k8s';
import { makeOrg } from '../../support/crypto-layout';

export interface Cluster {
  dir: string;
  server: string;
  kubeconfig: string;
  adminContext: string;
  /** A ServiceAccount allowed only to manage ConfigMaps in consortia-org1. */
  restrictedContext: string;
  admin: k8s.KubeConfig;
}

let cluster: Cluster | undefined;
const children: ChildProcess[] = [];

export function getCluster(): Cluster {
  if (!cluster) throw new Error('the test cluster did not start; see the before-all hook');
  return cluster;
}

function start(binary: string, args: string[], logFile: string): ChildProcess {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(binary, args, { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  children.push(child);
  return child;
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  child: ChildProcess,
  logFile: string,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${what} exited with ${child.exitCode}:\n${tail(logFile)}`);
    }
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not become ready in ${timeoutMs} ms:\n${tail(logFile)}`);
}

function httpsOk(url: string, ca: string, token: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = https.get(url, { ca, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    request.on('error', () => resolve(false));
  });
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A CA and a serving certificate for 127.0.0.1, made with the openssl CLI. */
function makeCertificates(dir: string): void {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=consortia-test-ca',
    ],
    dir,
  );
  fs.writeFileSync(
    path.join(dir, 'server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=kube-apiserver',
    ],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '2',
      '-extfile',
      'server.ext',
    ],
    dir,
  );
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  fs.writeFileSync(path.join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  fs.writeFileSync(path.join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
}

function writeKubeconfig(
  file: string,
  server: string,
  ca: string,
  users: Record<string, string>,
): void {
  const caData = Buffer.from(ca).toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server, 'certificate-authority-data': caData } }],
    users: Object.entries(users).map(([name, token]) => ({ name, user: { token } })),
    contexts: Object.keys(users).map((name) => ({
      name,
      context: { cluster: 'test', user: name },
    })),
    'current-context': 'admin',
  };
  fs.writeFileSync(file, YAML.stringify(config), { mode: 0o600 });
}

async function startCluster(): Promise<Cluster> {
  const home = consortiaHome();
  if (!kubernetesComponent.isInstalled(home)) {
    // the first run builds kube-apiserver and etcd from source (many minutes)
    const [outcome] = await installComponents([kubernetesComponent], {
      home,
      env: process.env,
      progress: (line) => process.stderr.write(`${line}\n`),
    });
    if (outcome?.status === 'failed') throw outcome.error;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-k8s-'));
  makeCertificates(dir);
  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];

  const etcdLog = path.join(dir, 'etcd.log');
  const etcd = start(
    kubernetesBinary(home, 'etcd'),
    [
      '--name=test',
      `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=test=http://127.0.0.1:${peerPort}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
    etcdLog,
  );
  await waitFor(
    'etcd',
    async () => (await fetch(`http://127.0.0.1:${etcdPort}/health`)).ok,
    etcd,
    etcdLog,
  );

  const adminToken = crypto.randomBytes(24).toString('hex');
  fs.writeFileSync(path.join(dir, 'tokens.csv'), `${adminToken},admin,admin-uid,system:masters\n`, {
    mode: 0o600,
  });
  const apiLog = path.join(dir, 'kube-apiserver.log');
  const apiserver = start(
    kubernetesBinary(home, 'kube-apiserver'),
    [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${path.join(dir, 'certs')}`,
      `--tls-cert-file=${path.join(dir, 'server.crt')}`,
      `--tls-private-key-file=${path.join(dir, 'server.key')}`,
      `--token-auth-file=${path.join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${path.join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${path.join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--enable-priority-and-fairness=false',
      '--profiling=false',
      '--v=1',
    ],
    apiLog,
  );
  const server = `https://127.0.0.1:${apiPort}`;
  const ca = fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8');
  await waitFor(
    'kube-apiserver',
    () => httpsOk(`${server}/readyz`, ca, adminToken),
    apiserver,
    apiLog,
  );

  const kubeconfig = path.join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, server, ca, { admin: adminToken });
  const admin = new k8s.KubeConfig();
  admin.loadFromFile(kubeconfig);

  const restrictedToken = await restrictedServiceAccount(admin);
  writeKubeconfig(kubeconfig, server, ca, { admin: adminToken, restricted: restrictedToken });
  return { dir, server, kubeconfig, adminContext: 'admin', restrictedContext: 'restricted', admin };
}

/** A ServiceAccount whose only right is managing ConfigMaps in consortia-org1. */
async function restrictedServiceAccount(admin: k8s.KubeConfig): Promise<string> {
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
  await core.createNamespace({ body: { metadata: { name: 'consortia-org1' } } });
  await core.createNamespacedServiceAccount({
    namespace: 'default',
    body: { metadata: { name: 'restricted' } },
  });
  await rbac.createNamespacedRole({
    namespace: 'consortia-org1',
    body: {
      metadata: { name: 'configmaps-only' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] }],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace: 'consortia-org1',
    body: {
      metadata: { name: 'restricted-configmaps' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmaps-only' },
      subjects: [{ kind: 'ServiceAccount', name: 'restricted', namespace: 'default' }],
    },
  });
  const request = await core.createNamespacedServiceAccountToken({
    name: 'restricted',
    namespace: 'default',
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const token = request.status?.token;
  if (!token) throw new Error('the TokenRequest returned no token');
  return token;
}

async function stopCluster(): Promise<void> {
  // the API server first, so it does not log etcd's disappearance at length
  for (const child of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  children.length = 0;
  if (cluster && !process.env.CONSORTIA_KEEP_TEST_CLUSTER) {
    fs.rmSync(cluster.dir, { recursive: true, force: true });
  }
  cluster = undefined;
}

before(async function () {
  this.timeout(40 * 60_000);
  try {
    cluster = await startCluster();
  } catch (error) {
    await stopCluster();
    throw error;
  }
});

after(async function () {
  this.timeout(60_000);
  await stopCluster();
});

/** Org1 (two peers, an admin and a user) and an orderer org of three, in cryptogen's layout. */
export function cryptoMaterial(): string {
  const dir = path.join(getCluster().dir, 'crypto');
  if (fs.existsSync(dir)) return dir;
  makeOrg(dir, 'org1.example.com', 'peer', 2, ['Admin', 'User1']);
  makeOrg(dir, 'example.com', 'orderer', 3, ['Admin']);
  return dir;
}

export interface CliRun {
  stdout: string;
  stderr: string;
  error?: unknown;
}

/** Runs `consortia k8s ...` in-process, collecting what it prints. */
export async function runK8s(
  args: readonly string[],
  dependencies: Partial<K8sDependencies> = {},
): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const program = new Command('consortia').exitOverride();
  program.configureOutput({
    writeOut: (text) => stdout.push(text),
    writeErr: (text) => stderr.push(text),
  });
  registerK8s(program, { progress: (line) => stderr.push(`${line}\n`), ...dependencies });
  const log = console.log;
  console.log = (...items: unknown[]) => stdout.push(`${items.map(String).join(' ')}\n`);
  try {
    await program.parseAsync(['node', 'consortia', ...args]);
    return { stdout: stdout.join(''), stderr: stderr.join('') };
  } catch (error) {
    return { stdout: stdout.join(''), stderr: stderr.join(''), error };
  } finally {
    console.log = log;
  }
}

export function kubeArgs(context = getCluster().adminContext): string[] {
  return ['--kubeconfig', getCluster().kubeconfig, '--context', context];
}
