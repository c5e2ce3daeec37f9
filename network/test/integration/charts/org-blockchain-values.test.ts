// SPDX-License-Identifier: Apache-2.0
// The org-blockchain chart under each cloud profile, and the values its schema refuses.
import assert from 'node:assert/strict';

import { chartUnderTest, containerNamed, envValue, named, ofKind, workloadSpec } from './support';

const { fullname: FULLNAME, render, renderFailure } = chartUnderTest('org-blockchain');
const PACKAGE_ID = `consortia_1.0:${'0123456789abcdef'.repeat(4)}`;

interface IngressSpec {
  ingressClassName?: string;
  rules: { host: string }[];
}

describe('chart org-blockchain', () => {
  describe('cloud profiles', () => {
    it('EKS: gp3 volumes, NLBs for the peers, ALB ingresses', async () => {
      const objects = await render('eks');
      for (const set of ofKind(objects, 'StatefulSet')) {
        for (const claim of workloadSpec(set).volumeClaimTemplates ?? []) {
          assert.equal(claim.spec.storageClassName, 'gp3');
        }
      }
      const balancers = ofKind(objects, 'Service').filter(
        (service) => (service.spec as { type?: string }).type === 'LoadBalancer',
      );
      assert.deepEqual(
        balancers.map((service) => service.metadata.name),
        [0, 1, 2].map((i) => `${FULLNAME}-peer${i}-external`),
      );
      for (const service of balancers) {
        const annotations = service.metadata.annotations ?? {};
        assert.equal(annotations['service.beta.kubernetes.io/aws-load-balancer-type'], 'external');
        assert.equal(
          annotations['service.beta.kubernetes.io/aws-load-balancer-nlb-target-type'],
          'ip',
        );
      }
      const ingresses = ofKind(objects, 'Ingress');
      assert.deepEqual(ingresses.map((ingress) => ingress.metadata.name).sort(), [
        `${FULLNAME}-dapp`,
        `${FULLNAME}-explorer`,
      ]);
      for (const ingress of ingresses) {
        assert.equal((ingress.spec as IngressSpec).ingressClassName, 'alb');
        assert.equal(ingress.metadata.annotations?.['alb.ingress.kubernetes.io/target-type'], 'ip');
      }
      assert.equal(
        named(objects, 'Ingress', `${FULLNAME}-dapp`).metadata.annotations?.[
          'alb.ingress.kubernetes.io/scheme'
        ],
        'internal',
      );
    });

    it("EKS: a peer advertises its load balancer's DNS name, annotated on its own Service", async () => {
      const objects = await render('eks', {
        'peer.nodes[0].externalEndpoint': 'peer0.org1.example.com:7051',
        'peer.nodes[0].externalServiceAnnotations.external-dns\\.alpha\\.kubernetes\\.io/hostname':
          'peer0.org1.example.com',
        'peer.nodes[0].externalServiceAnnotations.service\\.beta\\.kubernetes\\.io/aws-load-balancer-scheme':
          'internal',
      });
      const annotations = (i: number) =>
        named(objects, 'Service', `${FULLNAME}-peer${i}-external`).metadata.annotations ?? {};
      const advertised = (i: number) =>
        envValue(
          containerNamed(named(objects, 'StatefulSet', `${FULLNAME}-peer${i}`), 'peer'),
          'CORE_PEER_GOSSIP_EXTERNALENDPOINT',
        );
      // its own annotations are added to, and win over, those every external peer Service has
      assert.equal(
        annotations(0)['external-dns.alpha.kubernetes.io/hostname'],
        'peer0.org1.example.com',
      );
      assert.equal(
        annotations(0)['service.beta.kubernetes.io/aws-load-balancer-scheme'],
        'internal',
      );
      assert.equal(
        annotations(0)['service.beta.kubernetes.io/aws-load-balancer-nlb-target-type'],
        'ip',
      );
      assert.equal(annotations(1)['external-dns.alpha.kubernetes.io/hostname'], undefined);
      assert.equal(
        annotations(1)['service.beta.kubernetes.io/aws-load-balancer-scheme'],
        'internet-facing',
      );
      assert.equal(advertised(0), 'peer0.org1.example.com:7051');
      assert.equal(advertised(1), `${FULLNAME}-peer1.consortia.svc.cluster.local:7051`);
      const refused = await renderFailure({
        'peer.nodes[0].externalServiceAnnotations.example\\.com/weight': 5,
      });
      assert.match(refused.message, /externalServiceAnnotations/);
    });

    it('PKS: thin-disk volumes, NSX-T load balancers and ingresses', async () => {
      const objects = await render('pks');
      for (const set of ofKind(objects, 'StatefulSet')) {
        for (const claim of workloadSpec(set).volumeClaimTemplates ?? []) {
          assert.equal(claim.spec.storageClassName, 'thin-disk');
        }
      }
      assert.equal(
        ofKind(objects, 'Service').filter(
          (service) => (service.spec as { type?: string }).type === 'LoadBalancer',
        ).length,
        3,
      );
      for (const ingress of ofKind(objects, 'Ingress')) {
        assert.equal((ingress.spec as IngressSpec).ingressClassName, 'nsx');
        assert.equal(ingress.metadata.annotations?.['ncp/http-redirect'], 'true');
      }
    });
  });

  describe('invalid values', () => {
    it('refuses zero peers', async () => {
      const error = await renderFailure({ 'peer.replicas': 0 });
      assert.match(error.message, /at '\/peer\/replicas': minimum: got 0, want 1/);
    });

    it('refuses an unknown CouchDB placement', async () => {
      const error = await renderFailure({ 'couchdb.mode': 'shared' });
      assert.match(
        error.message,
        /at '\/couchdb\/mode': value must be one of 'sidecar', 'statefulset'/,
      );
    });

    it('refuses a malformed chaincode package id', async () => {
      const error = await renderFailure({ 'chaincode.packageId': 'consortia' });
      assert.match(
        error.message,
        /at '\/chaincode\/packageId': 'consortia' does not match pattern/,
      );
    });

    it('refuses a chaincode package id without the token admin org, or a malformed one', async () => {
      const missing = await renderFailure({
        'chaincode.packageId': PACKAGE_ID,
      });
      assert.match(missing.message, /chaincode\.tokenAdminMsp must name the organization/);
      const malformed = await renderFailure({
        'chaincode.packageId': PACKAGE_ID,
        'chaincode.tokenAdminMsp': 'Org1 MSP',
      });
      assert.match(malformed.message, /at '\/chaincode\/tokenAdminMsp': 'Org1 MSP' does not match/);
    });

    it('refuses an autoscaler floor above its ceiling', async () => {
      const error = await renderFailure({ 'dapp.hpa.minReplicas': 8 });
      assert.match(
        error.message,
        /dapp.hpa.minReplicas \(8\) must not exceed dapp.hpa.maxReplicas \(6\)/,
      );
    });

    it('refuses containers without resource requests', async () => {
      const error = await renderFailure({ 'dapp.resources.requests': 'null' });
      assert.match(
        error.message,
        /at '\/dapp\/resources\/requests'|at '\/dapp\/resources': missing property 'requests'/,
      );
    });

    it('refuses an orderer operations endpoint that is not an http(s) URL', async () => {
      const error = await renderFailure({
        'explorer.ordererOperationsUrls[0]': 'orderer0:9443',
      });
      assert.match(
        error.message,
        /at '\/explorer\/ordererOperationsUrls\/0': 'orderer0:9443' does not match pattern/,
      );
    });

    it('refuses an explorer session shorter than an hour', async () => {
      const error = await renderFailure({ 'explorer.auth.sessionHours': 0 });
      assert.match(error.message, /at '\/explorer\/auth\/sessionHours': minimum: got 0, want 1/);
    });

    it('refuses values the chart does not know, catching typos', async () => {
      const error = await renderFailure({ 'peer.replica': 3 });
      assert.match(error.message, /at '\/peer': additional properties 'replica' not allowed/);
    });
  });
});
