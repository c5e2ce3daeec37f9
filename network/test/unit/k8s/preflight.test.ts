// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import path from 'node:path';

import type { V1SelfSubjectAccessReview } from '@kubernetes/client-node';

import { UserError } from '../../../src/errors';
import { orgLayout } from '../../../src/k8s/naming';
import { assertPassed, preflight } from '../../../src/k8s/preflight';
import { apiError, stubClients } from './stubs';

const CHARTS = path.resolve(__dirname, '..', '..', '..', '..', 'charts');

function clients(
  denied: (namespace: string, resource: string) => boolean,
  storageClasses: string[],
) {
  const reviews: string[] = [];
  return {
    reviews,
    clients: stubClients({
      version: { getCode: () => Promise.resolve({ gitVersion: 'v1.33.4' } as never) },
      core: { readNamespace: () => Promise.resolve({}) },
      authz: {
        createSelfSubjectAccessReview: ({ body }: { body: V1SelfSubjectAccessReview }) => {
          const attributes = body.spec.resourceAttributes ?? {};
          reviews.push(`${attributes.verb} ${attributes.resource} ${attributes.namespace}`);
          const allowed = !denied(attributes.namespace ?? '', attributes.resource ?? '');
          body.status = { allowed };
          return Promise.resolve(body);
        },
      },
      storage: {
        readStorageClass: ({ name }: { name: string }) =>
          storageClasses.includes(name)
            ? Promise.resolve({ provisioner: 'x' })
            : Promise.reject(apiError(404, 'not found')),
        listStorageClass: () =>
          Promise.resolve({
            items: storageClasses.map((name) => ({ provisioner: 'x', metadata: { name } })),
          }),
      },
      networking: {
        readIngressClass: () => Promise.resolve({}),
        listIngressClass: () => Promise.resolve({ items: [] }),
      },
    }),
  };
}

describe('k8s preflight (stubbed API)', () => {
  const options = {
    layout: orgLayout('Org1'),
    cloud: 'eks' as const,
    chartsDir: CHARTS,
    ordering: false,
  };

  it('passes when every review allows and the classes exist', async () => {
    const { clients: stub, reviews } = clients(() => false, ['gp3']);
    const report = await preflight(stub, options);
    assert.doesNotThrow(() => assertPassed(report));
    assert.match(report.checks[0]?.detail ?? '', /v1\.33\.4/);
    assert.ok(reviews.includes('create deployments consortia-org1'));
    assert.ok(reviews.includes('create poddisruptionbudgets consortia-org1-app'));
    assert.ok(!reviews.some((review) => review.endsWith('consortia-ordering')));
  });

  it('reports each missing right and a missing storage class with their fixes', async () => {
    const { clients: stub } = clients(
      (namespace, resource) => namespace === 'consortia-org1-app' && resource === 'ingresses',
      ['standard'],
    );
    const report = await preflight(stub, options);
    assert.throws(
      () => assertPassed(report),
      (error: unknown) =>
        error instanceof UserError &&
        /rights in consortia-org1-app \(missing: create ingresses\.networking\.k8s\.io\)/.test(
          error.message,
        ) &&
        /storage class gp3/.test(error.message) &&
        /one of: standard/.test(error.hint ?? '') &&
        /rolebinding/.test(error.hint ?? ''),
    );
  });

  it('names the credentials fix on 401', async () => {
    const stub = stubClients({
      version: { getCode: () => Promise.reject(apiError(401, 'Unauthorized')) },
    });
    await assert.rejects(preflight(stub, options), (error: unknown) => {
      return (
        error instanceof UserError &&
        /rejected the credentials/.test(error.message) &&
        /update-kubeconfig/.test(error.hint ?? '')
      );
    });
  });
});
