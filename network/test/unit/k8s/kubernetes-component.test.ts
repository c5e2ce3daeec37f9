// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import {
  KUBERNETES_VERSION,
  apiServerGoMod,
  apiServerLdflags,
  etcdGoMod,
} from '../../../src/install/kubernetes';

describe('kubernetes install component', () => {
  it('pins every k8s.io staging module to the release matching kube-apiserver', () => {
    const goMod = apiServerGoMod();
    assert.match(goMod, new RegExp(`require k8s.io/kubernetes ${KUBERNETES_VERSION}`));
    const minor = KUBERNETES_VERSION.replace(/^v1\./, 'v0.');
    for (const module of ['api', 'apimachinery', 'apiserver', 'client-go', 'kms', 'externaljwt']) {
      assert.match(goMod, new RegExp(`\\tk8s.io/${module} => k8s.io/${module} ${minor}\\n`));
    }
    assert.match(etcdGoMod(), /require go.etcd.io\/etcd\/server\/v3 v3\.6\.\d+/);
  });

  it('stamps the version helm checks against kubeVersion', () => {
    assert.match(apiServerLdflags(), new RegExp(`gitVersion=${KUBERNETES_VERSION}`));
    assert.match(apiServerLdflags(), /gitMinor=36/);
  });
});
