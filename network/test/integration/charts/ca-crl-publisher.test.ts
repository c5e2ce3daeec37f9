// SPDX-License-Identifier: Apache-2.0
// The org-blockchain chart's CRL publisher (crlPublisher): an opt-in CronJob whose steps keep the
// org admin's key and the CA registrar's key apart, at the CA the DAPP revokes users at.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import type { KubeObject, SetValue } from '../../../src/charts/helm';
import { validateObjects } from '../../../src/charts/validate';
import { REPOSITORY_ROOT } from '../../../src/repository';
import type { Container, PodSpec } from './support';
import { envValue, named, ofKind, podSpec, render, renderFailure } from './support';

const CRON = 'org1-org-blockchain-crl-publisher';
const ORDERER = 'orderers-ordering-service-orderer0.consortia-ordering.svc:7050';
const ON: Record<string, SetValue> = {
  'ca.enabled': true,
  'dapp.userIdentities.enabled': true,
  'crlPublisher.enabled': true,
  'crlPublisher.orderer': ORDERER,
};

interface CronJobSpec {
  schedule: string;
  concurrencyPolicy: string;
  jobTemplate: { spec: { backoffLimit: number; template: { spec: PodSpec } } };
}

function publisherPod(objects: KubeObject[]): PodSpec {
  const cron = named(objects, 'CronJob', CRON).spec as CronJobSpec;
  return cron.jobTemplate.spec.template.spec;
}

function step(pod: PodSpec, name: string): Container {
  const found = [...(pod.initContainers ?? []), ...pod.containers].find((c) => c.name === name);
  if (!found) throw new Error(`no step ${name}`);
  return found;
}

/** The Secrets a container's mounts come from. */
function mountedSecrets(pod: PodSpec, container: Container): string[] {
  return (container.volumeMounts ?? []).flatMap((mount) => {
    const volume = pod.volumes?.find((candidate) => candidate.name === mount.name) as
      | { secret?: { secretName: string }; projected?: { sources: { secret: { name: string } }[] } }
      | undefined;
    return [
      ...(volume?.secret ? [volume.secret.secretName] : []),
      ...(volume?.projected?.sources.map((source) => source.secret.name) ?? []),
    ];
  });
}

describe('chart org-blockchain: CRL publisher CronJob', () => {
  it('is not rendered unless crlPublisher is on', async () => {
    const sets: Record<string, SetValue>[] = [
      {},
      { 'ca.enabled': true, 'dapp.userIdentities.enabled': true },
    ];
    for (const set of sets) {
      const objects = await render('org-blockchain', 'default', set);
      assert.equal(ofKind(objects, 'CronJob').length, 0, JSON.stringify(set));
    }
  });

  it('refuses to run without an orderer or without a CA', async () => {
    const noOrderer = await renderFailure('org-blockchain', { ...ON, 'crlPublisher.orderer': '' });
    assert.match(noOrderer.message, /crlPublisher/);
    assert.match(noOrderer.message, /orderer/);
    const badOrderer = await renderFailure('org-blockchain', {
      ...ON,
      'crlPublisher.orderer': 'orderer0 without a port',
    });
    assert.match(badOrderer.message, /orderer/);
    const noCa = await renderFailure('org-blockchain', {
      'crlPublisher.enabled': true,
      'crlPublisher.orderer': ORDERER,
    });
    assert.match(noCa.message, /crlPublisher needs the org's CA/);
  });

  it('renders a valid CronJob that never runs two rounds at once', async () => {
    const objects = await render('org-blockchain', 'default', ON);
    const cron = named(objects, 'CronJob', CRON);
    assert.deepEqual(validateObjects([cron]), []);
    const spec = cron.spec as CronJobSpec;
    assert.equal(spec.schedule, '* * * * *');
    assert.equal(spec.concurrencyPolicy, 'Forbid');
    assert.equal(spec.jobTemplate.spec.backoffLimit, 0, 'a failed round is the next round');
    const pod = publisherPod(objects);
    assert.equal(pod.automountServiceAccountToken, false, 'it never calls the API server');
    assert.deepEqual(
      [...(pod.initContainers ?? []), ...pod.containers].map((c) => [c.name, c.image]),
      [
        ['fetch-config', 'hyperledger/fabric-tools:2.5.16'],
        ['compare-crl', 'consortia/network:0.1.0'],
        ['publish', 'hyperledger/fabric-tools:2.5.16'],
      ],
    );
    assert.deepEqual(step(pod, 'compare-crl').command, ['node', 'dist/ca/crl-job-main.js']);
    // the peer CLI steps run the chart's scripts, as test/ca/chart-crl-publisher.test.ts does
    const files = path.join(REPOSITORY_ROOT, 'charts/org-blockchain/files/crl-publisher');
    for (const [name, script] of [
      ['fetch-config', 'fetch-config.sh'],
      ['publish', 'publish.sh'],
    ] as const) {
      assert.deepEqual(step(pod, name).command, [
        'sh',
        '-ec',
        fs.readFileSync(path.join(files, script), 'utf8'),
      ]);
    }
    for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
      assert.equal(container.securityContext?.readOnlyRootFilesystem, true, container.name);
      assert.equal(container.securityContext?.allowPrivilegeEscalation, false, container.name);
    }
  });

  it("keeps the admin's key in the peer CLI steps and the registrar's in the CRL step alone", async () => {
    const objects = await render('org-blockchain', 'default', ON);
    const pod = publisherPod(objects);
    for (const name of ['fetch-config', 'publish']) {
      const secrets = mountedSecrets(pod, step(pod, name));
      assert.ok(secrets.includes('org1-admin-msp'), name);
      assert.ok(secrets.includes('org1-orderer-tls-ca'), name);
      assert.ok(!secrets.includes('org1-dapp-ca-registrar'), name);
      assert.equal(envValue(step(pod, name), 'CORE_PEER_LOCALMSPID'), 'Org1MSP');
      assert.equal(envValue(step(pod, name), 'ORDERER'), ORDERER);
    }
    const compare = mountedSecrets(pod, step(pod, 'compare-crl'));
    assert.deepEqual(compare.sort(), ['org1-ca-tls', 'org1-dapp-ca-registrar']);
    // and the DAPP, which answers API callers, mounts no admin key at all
    const dapp = named(objects, 'Deployment', 'org1-org-blockchain-dapp');
    const dappSecrets = podSpec(dapp).containers.flatMap((c) => mountedSecrets(podSpec(dapp), c));
    assert.ok(dappSecrets.includes('org1-dapp-ca-registrar'));
    assert.ok(!dappSecrets.includes('org1-admin-msp'));
  });

  it('asks the CA the DAPP revokes users at, as the registrar given', async () => {
    const own = await render('org-blockchain', 'default', ON);
    const dapp = podSpec(named(own, 'Deployment', 'org1-org-blockchain-dapp')).containers[0];
    const compare = step(publisherPod(own), 'compare-crl');
    assert.ok(dapp);
    for (const name of ['FABRIC_CA_URL', 'FABRIC_CA_NAME']) {
      assert.equal(envValue(compare, name), envValue(dapp, name), name);
    }
    assert.equal(
      envValue(compare, 'FABRIC_CA_URL'),
      'https://org1-org-blockchain-ca.consortia.svc.cluster.local:7054',
    );

    const external = await render('org-blockchain', 'default', {
      'dapp.userIdentities.enabled': true,
      'dapp.userIdentities.caUrl': 'https://ca.org1.example.com:7054',
      'dapp.userIdentities.caTlsSecret': 'org1-external-ca-tls',
      'dapp.userIdentities.registrarSecret': 'org1-registrar',
      'crlPublisher.enabled': true,
      'crlPublisher.orderer': ORDERER,
      'crlPublisher.adminSecret': 'org1-admin',
      'crlPublisher.ordererTlsCaSecret': 'ordering-tls-ca',
      'crlPublisher.schedule': '*/5 * * * *',
    });
    const pod = publisherPod(external);
    const step2 = step(pod, 'compare-crl');
    assert.equal(envValue(step2, 'FABRIC_CA_URL'), 'https://ca.org1.example.com:7054');
    assert.equal(envValue(step2, 'FABRIC_CA_NAME'), undefined);
    assert.deepEqual(mountedSecrets(pod, step2).sort(), ['org1-external-ca-tls', 'org1-registrar']);
    assert.ok(mountedSecrets(pod, step(pod, 'publish')).includes('org1-admin'));
    assert.ok(mountedSecrets(pod, step(pod, 'publish')).includes('ordering-tls-ca'));
    const cron = named(external, 'CronJob', CRON).spec as CronJobSpec;
    assert.equal(cron.schedule, '*/5 * * * *');
    assert.deepEqual(validateObjects(ofKind(external, 'CronJob')), []);
  });
});
