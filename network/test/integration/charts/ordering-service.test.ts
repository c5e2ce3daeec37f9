// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import type { KubeObject } from '../../../src/charts/helm';
import {
  chartUnderTest,
  containerNamed,
  envValue,
  named,
  ofKind,
  onePodStatefulSets,
  podSpec,
  workloadSpec,
} from './support';

const { fullname: FULLNAME, render, renderFailure } = chartUnderTest('ordering-service');

function properties(configMap: KubeObject, key: string): Map<string, string> {
  const text = (configMap.data as Record<string, string>)[key] ?? '';
  const entries = text
    .split('\n')
    .filter((line) => line.includes('=') && !line.startsWith('#'))
    .map((line): [string, string] => [
      line.slice(0, line.indexOf('=')),
      line.slice(line.indexOf('=') + 1),
    ]);
  return new Map(entries);
}

describe('chart ordering-service', () => {
  describe('etcdraft (default)', () => {
    let objects: KubeObject[];
    before(async () => {
      objects = await render();
    });

    it('runs three orderers, each its own one-pod StatefulSet with a data PVC', () => {
      const names = [0, 1, 2].map((i) => `${FULLNAME}-orderer${i}`);
      for (const orderer of onePodStatefulSets(objects, names, ['data'])) {
        const claim = workloadSpec(orderer).volumeClaimTemplates?.[0];
        assert.equal(claim?.spec.resources.requests.storage, '20Gi');
      }
    });

    it('deploys no Kafka, and joins channels through the channel participation API', () => {
      assert.equal(objects.filter((object) => object.metadata.name.includes('kafka')).length, 0);
      const orderer = containerNamed(
        named(objects, 'StatefulSet', `${FULLNAME}-orderer0`),
        'orderer',
      );
      assert.equal(envValue(orderer, 'ORDERER_GENERAL_BOOTSTRAPMETHOD'), 'none');
      assert.equal(envValue(orderer, 'ORDERER_CHANNELPARTICIPATION_ENABLED'), 'true');
      assert.ok(envValue(orderer, 'ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE'));
    });

    it('probes the operations endpoint /healthz on 9443', () => {
      const orderer = containerNamed(
        named(objects, 'StatefulSet', `${FULLNAME}-orderer1`),
        'orderer',
      );
      assert.deepEqual(
        orderer.ports?.find((port) => port.name === 'operations')?.containerPort,
        9443,
      );
      for (const probe of [orderer.startupProbe, orderer.livenessProbe, orderer.readinessProbe]) {
        assert.deepEqual(probe?.httpGet, { path: '/healthz', port: 'operations' });
      }
    });

    it('mounts each orderer its own MSP and TLS Secrets, named after the release', () => {
      const volumes = podSpec(named(objects, 'StatefulSet', `${FULLNAME}-orderer2`)).volumes ?? [];
      const json = JSON.stringify(volumes);
      assert.match(json, /"name":"org1-orderer2-msp"/);
      assert.match(json, /"secretName":"org1-orderer2-tls"/);
      assert.doesNotMatch(json, /orderer0/);
    });

    it('creates no load balancers by default', () => {
      for (const service of ofKind(objects, 'Service')) {
        assert.notEqual((service.spec as { type?: string }).type, 'LoadBalancer');
      }
    });
  });

  describe('kafka consensus', () => {
    let objects: KubeObject[];
    before(async () => {
      objects = await render('default', { consensus: 'kafka' });
    });

    it('runs 3 Kafka brokers and 3 KRaft controllers on persistent volumes', () => {
      const brokers = workloadSpec(named(objects, 'StatefulSet', `${FULLNAME}-kafka`));
      const controllers = workloadSpec(
        named(objects, 'StatefulSet', `${FULLNAME}-kafka-controller`),
      );
      assert.equal(brokers.replicas, 3);
      assert.equal(controllers.replicas, 3);
      assert.equal(brokers.volumeClaimTemplates?.[0]?.metadata.name, 'data');
      assert.equal(controllers.volumeClaimTemplates?.[0]?.metadata.name, 'data');
      assert.equal(
        objects.filter((object) => object.metadata.name.includes('zookeeper')).length,
        0,
      );
    });

    it('configures the brokers as Fabric requires', () => {
      const broker = properties(
        named(objects, 'ConfigMap', `${FULLNAME}-kafka`),
        'broker.properties',
      );
      assert.equal(broker.get('default.replication.factor'), '3');
      assert.equal(broker.get('min.insync.replicas'), '2');
      assert.equal(broker.get('unclean.leader.election.enable'), 'false');
      assert.equal(broker.get('log.retention.ms'), '-1');
      assert.equal(broker.get('process.roles'), 'broker');
      // Fabric's default BatchSize.AbsoluteMaxBytes is 99 MiB.
      assert.ok(Number(broker.get('message.max.bytes')) >= 99 * 1024 * 1024);
      assert.ok(
        Number(broker.get('replica.fetch.max.bytes')) >= Number(broker.get('message.max.bytes')),
      );
      const voters = broker.get('controller.quorum.voters')?.split(',') ?? [];
      assert.equal(voters.length, 3);
      assert.match(voters[0] ?? '', /^1000@org1-ordering-service-kafka-controller-0\./);
    });

    it('probes the orderers on /version, since /healthz can crash a starting Kafka chain', () => {
      const orderer = containerNamed(
        named(objects, 'StatefulSet', `${FULLNAME}-orderer0`),
        'orderer',
      );
      for (const probe of [orderer.startupProbe, orderer.livenessProbe, orderer.readinessProbe]) {
        assert.deepEqual(probe?.httpGet, { path: '/version', port: 'operations' });
      }
    });

    it('starts the orderers from the genesis block with Kafka settings', () => {
      const orderer = containerNamed(
        named(objects, 'StatefulSet', `${FULLNAME}-orderer0`),
        'orderer',
      );
      assert.equal(envValue(orderer, 'ORDERER_GENERAL_BOOTSTRAPMETHOD'), 'file');
      assert.equal(envValue(orderer, 'ORDERER_KAFKA_TOPIC_REPLICATIONFACTOR'), '3');
      const volumes = JSON.stringify(
        podSpec(named(objects, 'StatefulSet', `${FULLNAME}-orderer0`)).volumes,
      );
      assert.match(volumes, /"secretName":"org1-genesis-block"/);
    });

    it('lets only orderers, brokers and the exporter reach the brokers', () => {
      const policy = named(objects, 'NetworkPolicy', `${FULLNAME}-kafka`);
      const components = JSON.stringify(policy.spec).match(
        /"app.kubernetes.io\/component":"[a-z-]+"/g,
      );
      assert.deepEqual(components, [
        '"app.kubernetes.io/component":"kafka"',
        '"app.kubernetes.io/component":"orderer"',
        '"app.kubernetes.io/component":"kafka"',
        '"app.kubernetes.io/component":"exporter"',
      ]);
    });

    it('switches to a 3-server ZooKeeper ensemble when asked', async () => {
      const zk = await render('default', {
        consensus: 'kafka',
        'kafka.metadataMode': 'zookeeper',
      });
      assert.equal(workloadSpec(named(zk, 'StatefulSet', `${FULLNAME}-zookeeper`)).replicas, 3);
      assert.equal(
        zk.filter((object) => object.metadata.name.includes('kafka-controller')).length,
        0,
      );
      const broker = properties(named(zk, 'ConfigMap', `${FULLNAME}-kafka`), 'broker.properties');
      assert.equal(broker.get('zookeeper.connect')?.split(',').length, 3);
      assert.equal(broker.get('min.insync.replicas'), '2');
    });
  });

  describe('cloud profiles', () => {
    it('EKS: gp3 volumes and one NLB per orderer', async () => {
      const objects = await render('eks', { consensus: 'kafka' });
      for (const set of ofKind(objects, 'StatefulSet')) {
        for (const claim of workloadSpec(set).volumeClaimTemplates ?? []) {
          assert.equal(claim.spec.storageClassName, 'gp3', set.metadata.name);
        }
      }
      const balancers = ofKind(objects, 'Service').filter(
        (service) => (service.spec as { type?: string }).type === 'LoadBalancer',
      );
      assert.equal(balancers.length, 3);
      for (const service of balancers) {
        const annotations = service.metadata.annotations ?? {};
        assert.equal(annotations['service.beta.kubernetes.io/aws-load-balancer-type'], 'external');
        assert.equal(
          annotations['service.beta.kubernetes.io/aws-load-balancer-nlb-target-type'],
          'ip',
        );
        assert.deepEqual(
          (service.spec as { ports: { port: number }[] }).ports.map((port) => port.port),
          [7050],
        );
      }
    });

    it('PKS: vSphere storage class and NSX-T load balancers', async () => {
      const objects = await render('pks');
      for (const set of ofKind(objects, 'StatefulSet')) {
        assert.equal(
          workloadSpec(set).volumeClaimTemplates?.[0]?.spec.storageClassName,
          'thin-disk',
        );
      }
      const balancers = ofKind(objects, 'Service').filter(
        (service) => (service.spec as { type?: string }).type === 'LoadBalancer',
      );
      assert.equal(balancers.length, 3);
    });
  });

  describe('invalid values', () => {
    it('refuses zero orderers', async () => {
      const error = await renderFailure({ 'orderer.replicas': 0 });
      assert.match(error.message, /at '\/orderer\/replicas': minimum: got 0, want 1/);
    });

    it('refuses an unknown consensus type', async () => {
      const error = await renderFailure({ consensus: 'solo' });
      assert.match(error.message, /at '\/consensus': value must be one of 'etcdraft', 'kafka'/);
    });

    it('refuses fewer than 3 brokers or 2 in-sync replicas', async () => {
      const brokers = await renderFailure({ 'kafka.brokers.replicas': 2 });
      assert.match(brokers.message, /at '\/kafka\/brokers\/replicas': minimum: got 2, want 3/);
      const isr = await renderFailure({ 'kafka.config.minInsyncReplicas': 1 });
      assert.match(isr.message, /at '\/kafka\/config\/minInsyncReplicas': minimum: got 1, want 2/);
    });

    it('refuses an unknown Kafka metadata mode and an even controller quorum', async () => {
      const mode = await renderFailure({ 'kafka.metadataMode': 'etcd' });
      assert.match(
        mode.message,
        /at '\/kafka\/metadataMode': value must be one of 'kraft', 'zookeeper'/,
      );
      const quorum = await renderFailure({
        'kafka.kraft.controllers.replicas': 2,
      });
      assert.match(quorum.message, /at '\/kafka\/kraft\/controllers\/replicas'/);
    });

    it('refuses in-sync replicas that equal the replication factor', async () => {
      const error = await renderFailure({
        consensus: 'kafka',
        'kafka.config.minInsyncReplicas': 3,
      });
      assert.match(
        error.message,
        /minInsyncReplicas \(3\) must be below kafka.config.defaultReplicationFactor \(3\)/,
      );
    });

    it('refuses a root security context', async () => {
      const error = await renderFailure({
        'orderer.securityContext.runAsNonRoot': false,
      });
      assert.match(
        error.message,
        /at '\/orderer\/securityContext\/runAsNonRoot': value must be true/,
      );
    });
  });
});
