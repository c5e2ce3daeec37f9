// SPDX-License-Identifier: Apache-2.0
// The org-blockchain chart's enrollment Job (ca.enroll): what it is asked to enroll, into which
// Secrets (the ones the peers and services mount), and the narrow rights it gets to do so.
import assert from 'node:assert/strict';

import { parsePlan } from '@consortia/dapp';

import type { KubeObject } from '../../../src/charts/helm';
import type { Container } from './support';
import { NAMESPACE, chartUnderTest, named, ofKind, podSpec } from './support';

const { fullname: FULLNAME, render } = chartUnderTest('org-blockchain');
const ENROLL = `${FULLNAME}-ca-enroll`;

interface JobSpec {
  spec: {
    backoffLimit: number;
    template: {
      spec: {
        serviceAccountName: string;
        automountServiceAccountToken: boolean;
        containers: Container[];
        volumes: { name: string; secret?: { secretName: string } }[];
      };
    };
  };
}

const jobOf = (objects: KubeObject[]) =>
  named(objects, 'Job', `${ENROLL}-r1`) as unknown as KubeObject & JobSpec;

function planOf(objects: KubeObject[]) {
  const container = jobOf(objects).spec.template.spec.containers[0];
  const env = container?.env?.find((entry) => entry.name === 'ENROLL_PLAN');
  return parsePlan(env?.value ?? '');
}

/** The Secret (or MSP projection) names the peers' pods mount. */
function peerSecrets(objects: KubeObject[]): string[] {
  return ofKind(objects, 'StatefulSet')
    .filter((set) => /-peer\d+$/.test(set.metadata.name))
    .flatMap((set) => {
      const volumes = podSpec(set).volumes as {
        name: string;
        secret?: { secretName: string };
        projected?: { sources: { secret: { name: string } }[] };
      }[];
      return volumes.flatMap((volume) => [
        ...(volume.secret ? [volume.secret.secretName] : []),
        ...(volume.projected?.sources.map((source) => source.secret.name) ?? []),
      ]);
    });
}

describe('chart org-blockchain: CA enrollment Job', () => {
  it('is not rendered unless ca.enroll is on with the CA', async () => {
    const cases: Record<string, boolean>[] = [
      {},
      { 'ca.enabled': true },
      { 'ca.enroll.enabled': true },
    ];
    for (const set of cases) {
      const objects = await render('default', set);
      assert.equal(ofKind(objects, 'Job').length, 0, JSON.stringify(set));
    }
  });

  it('enrolls every peer into the Secrets its pod mounts, with TLS for its in-cluster names', async () => {
    const objects = await render('default', {
      'ca.enabled': true,
      'ca.enroll.enabled': true,
      'peer.replicas': 2,
      'peer.nodes[0].mspSecret': 'org1-peer0-msp',
      'peer.nodes[1].externalEndpoint': 'peer1.org1.example.com:443',
    });
    const plan = planOf(objects);
    assert.equal(plan.mspId, 'Org1MSP');
    assert.equal(plan.orgMspConfigMap, 'org1-org-msp');
    const planned = plan.identities.flatMap((identity) => identity.secrets.map((s) => s.name));
    for (const name of new Set(peerSecrets(objects))) {
      if (name.endsWith('-msp') || name.endsWith('-tls')) assert.ok(planned.includes(name), name);
    }
    const [peer0, peer1] = plan.identities;
    assert.equal(peer0?.type, 'peer');
    assert.deepEqual(peer0?.tlsHosts, [
      `${FULLNAME}-peer0.${NAMESPACE}.svc.cluster.local`,
      `${FULLNAME}-peer0.${NAMESPACE}.svc`,
      `${FULLNAME}-peer0.${NAMESPACE}`,
      `${FULLNAME}-peer0`,
    ]);
    assert.ok(peer1?.tlsHosts.includes('peer1.org1.example.com'), 'and the external endpoint');
    assert.deepEqual(
      plan.identities.slice(2).map((identity) => [identity.type, identity.secrets[0]?.name]),
      [
        ['admin', 'org1-admin-msp'],
        ['client', 'org1-dapp-identity'],
        ['client', 'org1-datasync-identity'],
      ],
      'no DAPP registrar without dapp.userIdentities',
    );
  });

  it("makes the DAPP's registrar with dapp.userIdentities, allowed to register, revoke and list revocations", async () => {
    const objects = await render('default', {
      'ca.enabled': true,
      'ca.enroll.enabled': true,
      'dapp.userIdentities.enabled': true,
    });
    const registrar = planOf(objects).identities.at(-1);
    assert.deepEqual(registrar?.secrets, [
      { name: 'org1-dapp-ca-registrar', layout: 'credentials' },
    ]);
    assert.deepEqual(registrar?.attributes, {
      'hf.Registrar.Roles': 'client',
      'hf.Registrar.Attributes': 'consortia.user,consortia.role',
      'hf.Revoker': 'true',
      'hf.GenCRL': 'true',
    });
  });

  it('runs unprivileged, as its own ServiceAccount, whose Role names only the planned Secrets', async () => {
    const objects = await render('default', {
      'ca.enabled': true,
      'ca.enroll.enabled': true,
    });
    const pod = jobOf(objects).spec.template.spec;
    assert.equal(pod.serviceAccountName, ENROLL);
    assert.equal(pod.automountServiceAccountToken, true, 'it calls the API server');
    const container = pod.containers[0] as Container & {
      securityContext: Record<string, unknown>;
      resources: { limits?: object };
      command: string[];
    };
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    assert.ok(container.resources.limits);
    assert.deepEqual(container.command, ['node', 'dist/index.js', 'enroll-org']);
    // the rest of the release still mounts no token
    for (const set of ofKind(objects, 'StatefulSet').concat(ofKind(objects, 'Deployment'))) {
      assert.equal(podSpec(set).automountServiceAccountToken, false, set.metadata.name);
    }
    const role = named(objects, 'Role', ENROLL) as unknown as {
      rules: { resources: string[]; resourceNames?: string[]; verbs: string[] }[];
    };
    const planned = planOf(objects).identities.flatMap((identity) =>
      identity.secrets.map((secret) => secret.name),
    );
    const secretRule = role.rules.find((rule) => rule.resources.join() === 'secrets');
    assert.deepEqual(secretRule?.resourceNames, planned);
    assert.deepEqual(secretRule?.verbs, ['get', 'update']);
    assert.ok(
      !role.rules.some((rule) => rule.verbs.includes('delete') || rule.verbs.includes('list')),
    );
  });
});
