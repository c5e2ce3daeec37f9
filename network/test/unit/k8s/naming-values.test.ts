// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { UserError } from '../../../src/errors';
import { orgLayout, parseCloud } from '../../../src/k8s/naming';
import { classSettings, mergeValues, scopedFor } from '../../../src/k8s/values';

describe('k8s naming and values', () => {
  it('derives namespaces and release names from the org, with overrides', () => {
    const layout = orgLayout('Org1');
    assert.deepEqual(layout.namespaces, {
      blockchain: 'consortia-org1',
      application: 'consortia-org1-app',
      ordering: 'consortia-ordering',
    });
    assert.equal(layout.releases.blockchain, 'org1');
    assert.equal(orgLayout('Org1', { namespace: 'fabric' }).namespaces.blockchain, 'fabric');
    assert.throws(() => orgLayout('Org1', { namespace: 'Bad_NS' }), UserError);
    assert.throws(() => parseCloud('gke'), /unknown cloud 'gke'/);
  });

  it('merges values as helm does and finds the storage and ingress classes', () => {
    const merged = mergeValues(
      {
        global: { storageClass: '' },
        dapp: { ingress: { enabled: false, className: '' } },
        list: [1, 2],
      },
      {
        global: { storageClass: 'gp3' },
        dapp: { ingress: { enabled: true, className: 'alb' } },
        list: [3],
      },
    );
    assert.deepEqual(merged.list, [3]);
    const settings = classSettings({
      ...merged,
      peer: { persistence: { storageClass: 'io2' } },
      explorer: { ingress: { enabled: false, className: 'ignored' } },
    });
    assert.deepEqual(settings.storage, [
      { path: 'global.storageClass', name: 'gp3' },
      { path: 'peer.persistence.storageClass', name: 'io2' },
    ]);
    assert.deepEqual(settings.ingress, [{ path: 'dapp.ingress.className', name: 'alb' }]);
  });

  it('gives prefixed --values/--set entries to their release only', () => {
    const entries = ['all.yaml', 'blockchain:peer.yaml', 'application:app.yaml'];
    assert.deepEqual(scopedFor('blockchain', entries), ['all.yaml', 'peer.yaml']);
    assert.deepEqual(scopedFor('ordering', entries), ['all.yaml']);
  });
});
