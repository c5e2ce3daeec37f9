// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import * as k8s from '@kubernetes/client-node';

import { UserError } from '../../../src/errors';
import { getCluster, runK8s } from './fixture';
import { runOrg } from './support';

/** The classes the EKS and PKS values ask for, as a cluster admin would have created them. */
async function createClasses(cloud: 'eks' | 'pks'): Promise<void> {
  const admin = getCluster().admin;
  const storage = admin.makeApiClient(k8s.StorageV1Api);
  const networking = admin.makeApiClient(k8s.NetworkingV1Api);
  const classes =
    cloud === 'eks'
      ? {
          storage: 'gp3',
          provisioner: 'ebs.csi.aws.com',
          ingress: 'alb',
          controller: 'ingress.k8s.aws/alb',
        }
      : {
          storage: 'thin-disk',
          provisioner: 'csi.vsphere.vmware.com',
          ingress: 'nsx',
          controller: 'vmware.com/nsx',
        };
  await storage
    .createStorageClass({
      body: { metadata: { name: classes.storage }, provisioner: classes.provisioner },
    })
    .catch(() => undefined);
  await networking
    .createIngressClass({
      body: { metadata: { name: classes.ingress }, spec: { controller: classes.controller } },
    })
    .catch(() => undefined);
}

describe('consortia k8s preflight (real API server)', function () {
  this.timeout(120_000);

  it('fails on a missing storage class and names the fix', async () => {
    const run = await runOrg('preflight', ['--cloud', 'eks']);
    assert.ok(run.error instanceof UserError, String(run.error));
    assert.match(run.stdout, /API server\s+ok\s+.*Kubernetes v1\.36/);
    assert.match(run.stdout, /storage class gp3\s+FAIL/);
    assert.match(run.error.hint ?? '', /create the StorageClass 'gp3'/);
  });

  for (const cloud of ['eks', 'pks'] as const) {
    it(`passes for ${cloud.toUpperCase()} once the classes exist and the user is an admin`, async () => {
      await createClasses(cloud);
      const run = await runOrg('preflight', ['--cloud', cloud, '--ordering']);
      assert.equal(run.error, undefined, `${String(run.error)}\n${run.stdout}`);
      assert.match(run.stdout, /rights in consortia-org1\s+ok/);
      assert.match(run.stdout, /rights in consortia-org1-app\s+ok/);
      assert.match(run.stdout, /rights in consortia-ordering\s+ok/);
      assert.doesNotMatch(run.stdout, /FAIL/);
    });
  }

  it('fails when an extra values file names a storage class the cluster lacks', async () => {
    const extra = path.join(getCluster().dir, 'fast-storage.yaml');
    fs.writeFileSync(extra, 'global:\n  storageClass: io2-fast\n');
    const run = await runOrg('preflight', ['--cloud', 'eks', '--values', extra]);
    assert.ok(run.error instanceof UserError);
    assert.match(run.error.message, /storage class io2-fast/);
    // the hint lists the classes that do exist
    assert.match(run.error.hint ?? '', /one of: .*gp3/);
  });

  it('lists the rights a restricted ServiceAccount lacks', async () => {
    const run = await runOrg('preflight', ['--cloud', 'eks', '--json'], {
      context: getCluster().restrictedContext,
    });
    assert.ok(run.error instanceof UserError);
    const report = JSON.parse(run.stdout) as {
      checks: { name: string; ok: boolean; detail: string }[];
    };
    const org = report.checks.find((check) => check.name === 'rights in consortia-org1');
    assert.equal(org?.ok, false);
    assert.match(org?.detail ?? '', /create deployments\.apps/);
    assert.match(org?.detail ?? '', /create secrets/);
    // the Role grants ConfigMaps, so they are not reported missing
    assert.doesNotMatch(org?.detail ?? '', /configmaps/);
    assert.match(run.error.hint ?? '', /rolebinding/);
  });

  it('says how to reach the cluster when the API server is down', async () => {
    const kubeconfig = path.join(getCluster().dir, 'unreachable.kubeconfig');
    fs.writeFileSync(
      kubeconfig,
      fs
        .readFileSync(getCluster().kubeconfig, 'utf8')
        .replace(getCluster().server, 'https://127.0.0.1:1'),
    );
    const run = await runK8s(['k8s', 'preflight', '--org', 'Org1', '--kubeconfig', kubeconfig]);
    assert.ok(run.error instanceof UserError);
    assert.match(run.error.message, /cannot reach the API server at https:\/\/127\.0\.0\.1:1/);
    assert.match(run.error.hint ?? '', /--kubeconfig\/--context/);
  });
});
