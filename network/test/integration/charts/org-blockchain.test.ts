// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { readKafkaClientVariables } from '@consortia/common';

import { configSchema, readConfig as readExplorerConfig } from '../../../../explorer/src/config';
import { hashPassword } from '../../../../explorer/src/http/password';
import type { KubeObject } from '../../../src/charts/helm';
import {
  chartUnderTest,
  containerEnvironment,
  containerNamed,
  envValue,
  named,
  ofKind,
  onePodStatefulSets,
  podSpec,
  workloadSpec,
} from './support';

const { fullname: FULLNAME, render, renderFailure } = chartUnderTest('org-blockchain');
const PACKAGE_ID = `consortia_1.0:${'0123456789abcdef'.repeat(4)}`;

interface Hpa {
  scaleTargetRef: { kind: string; name: string };
  minReplicas: number;
  maxReplicas: number;
  metrics: { resource: { name: string; target: { averageUtilization: number } } }[];
}
interface IngressSpec {
  ingressClassName?: string;
  rules: { host: string }[];
}

describe('chart org-blockchain', () => {
  describe('default values', () => {
    let objects: KubeObject[];
    before(async () => {
      objects = await render();
    });

    it('runs three peers, one StatefulSet each, with CouchDB as a sidecar and two PVCs', () => {
      const names = [0, 1, 2].map((i) => `${FULLNAME}-peer${i}`);
      for (const peer of onePodStatefulSets(objects, names, ['data', 'couchdb-data'])) {
        assert.deepEqual(
          podSpec(peer).containers.map((container) => container.name),
          ['peer', 'couchdb'],
        );
        const peerContainer = containerNamed(peer, 'peer');
        assert.equal(envValue(peerContainer, 'CORE_LEDGER_STATE_STATEDATABASE'), 'CouchDB');
        assert.equal(
          envValue(peerContainer, 'CORE_LEDGER_STATE_COUCHDBCONFIG_COUCHDBADDRESS'),
          'localhost:5984',
        );
      }
    });

    it('probes each peer on its operations endpoint /healthz, port 9443', () => {
      const peer = containerNamed(named(objects, 'StatefulSet', `${FULLNAME}-peer0`), 'peer');
      assert.equal(peer.ports?.find((port) => port.name === 'operations')?.containerPort, 9443);
      assert.equal(envValue(peer, 'CORE_OPERATIONS_LISTENADDRESS'), '0.0.0.0:9443');
      for (const probe of [peer.startupProbe, peer.livenessProbe, peer.readinessProbe]) {
        assert.deepEqual(probe?.httpGet, { path: '/healthz', port: 'operations' });
      }
      const couchdb = containerNamed(named(objects, 'StatefulSet', `${FULLNAME}-peer0`), 'couchdb');
      assert.deepEqual(couchdb.readinessProbe?.httpGet, { path: '/_up', port: 'couchdb' });
    });

    it('bootstraps gossip from the other peers and reads identities from per-peer Secrets', () => {
      const peer1 = named(objects, 'StatefulSet', `${FULLNAME}-peer1`);
      const bootstrap = envValue(
        containerNamed(peer1, 'peer'),
        'CORE_PEER_GOSSIP_BOOTSTRAP',
      )?.split(' ');
      assert.deepEqual(bootstrap, [
        `${FULLNAME}-peer0.consortia.svc.cluster.local:7051`,
        `${FULLNAME}-peer2.consortia.svc.cluster.local:7051`,
      ]);
      const volumes = JSON.stringify(podSpec(peer1).volumes);
      assert.match(volumes, /"name":"org1-peer1-msp"/);
      assert.match(volumes, /"secretName":"org1-peer1-tls"/);
    });

    it('runs the chaincode as a service, idle until its package id is known', async () => {
      const idle = named(objects, 'Deployment', `${FULLNAME}-chaincode`);
      assert.equal(workloadSpec(idle).replicas, 0);
      const withId = await render('default', {
        'chaincode.packageId': PACKAGE_ID,
        'chaincode.tokenAdminMsp': 'Org2MSP',
      });
      const chaincode = named(withId, 'Deployment', `${FULLNAME}-chaincode`);
      assert.equal(workloadSpec(chaincode).replicas, 2);
      const container = containerNamed(chaincode, 'chaincode');
      assert.equal(envValue(container, 'CHAINCODE_SERVER_ADDRESS'), '0.0.0.0:9999');
      assert.equal(envValue(container, 'CHAINCODE_ID'), PACKAGE_ID);
      // the consortium's token admin, which need not be this org
      assert.equal(envValue(container, 'TOKEN_ADMIN_MSP'), 'Org2MSP');
      // this org, for getMspID(): a chaincode service is not launched by its peer
      assert.equal(envValue(container, 'CORE_PEER_LOCALMSPID'), 'Org1MSP');
      assert.equal(container.ports?.[0]?.containerPort, 9999);
      const policy = JSON.stringify(named(withId, 'NetworkPolicy', `${FULLNAME}-chaincode`).spec);
      assert.match(policy, /"app.kubernetes.io\/component":"peer"/);
      assert.match(policy, /"port":9999/);
    });

    it('autoscales the DAPP between 2 and 6 replicas on CPU', () => {
      const hpa = named(objects, 'HorizontalPodAutoscaler', `${FULLNAME}-dapp`).spec as Hpa;
      assert.deepEqual(hpa.scaleTargetRef, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: `${FULLNAME}-dapp`,
      });
      assert.equal(hpa.minReplicas, 2);
      assert.equal(hpa.maxReplicas, 6);
      assert.equal(hpa.metrics[0]?.resource.name, 'cpu');
      assert.equal(hpa.metrics[0]?.resource.target.averageUtilization, 70);
      // The autoscaler owns the replica count.
      assert.equal(
        workloadSpec(named(objects, 'Deployment', `${FULLNAME}-dapp`)).replicas,
        undefined,
      );
    });

    it('gives the DAPP and datasync the mirror database, and Kafka only when brokers are set', async () => {
      for (const component of ['dapp', 'datasync']) {
        const container = containerNamed(
          named(objects, 'Deployment', `${FULLNAME}-${component}`),
          component,
        );
        assert.equal(envValue(container, 'PGHOST'), 'postgresql', component);
        assert.equal(envValue(container, 'KAFKA_BROKERS'), undefined, component);
      }
      const withKafka = await render('default', {
        'dapp.kafka.brokers': 'kafka-0:9092',
        'datasync.kafka.brokers': 'kafka-0:9092',
      });
      const dapp = containerNamed(named(withKafka, 'Deployment', `${FULLNAME}-dapp`), 'dapp');
      assert.equal(envValue(dapp, 'KAFKA_TOPIC'), 'dapp.tx.requests');
      const datasync = containerNamed(
        named(withKafka, 'Deployment', `${FULLNAME}-datasync`),
        'datasync',
      );
      assert.equal(envValue(datasync, 'KAFKA_BROKERS'), 'kafka-0:9092');
      assert.equal(envValue(datasync, 'LEDGER_EVENTS_TOPIC'), 'ledger.events');
    });

    it('connects the DAPP and datasync to Kafka over TLS with SASL credentials from Secrets', async () => {
      const secured = await render('default', {
        'dapp.kafka.brokers': 'kafka-0:9093',
        'dapp.kafka.tls.enabled': true,
        'dapp.kafka.tls.caSecret': 'kafka-ca',
        'dapp.kafka.sasl.enabled': true,
        'datasync.kafka.brokers': 'kafka-0:9093',
        'datasync.kafka.tls.enabled': true,
        'datasync.kafka.sasl.enabled': true,
        'datasync.kafka.sasl.mechanism': 'scram-sha-256',
        'datasync.kafka.sasl.credentialsSecret': 'ledger-relay-kafka',
      });
      const secrets = {
        'org1-dapp-kafka': { username: 'dapp', password: 'dapp-password' },
        'ledger-relay-kafka': { username: 'datasync', password: 'datasync-password' },
      };
      const kafkaEnvironment = (component: string) => {
        const deployment = named(secured, 'Deployment', `${FULLNAME}-${component}`);
        const container = containerNamed(deployment, component);
        const kafkaOnly = {
          ...container,
          env: container.env?.filter((variable) => variable.name.startsWith('KAFKA_')),
        };
        // read the way the services read it: common's Kafka client variables
        return {
          deployment,
          container,
          variables: readKafkaClientVariables(containerEnvironment(kafkaOnly, secrets)),
        };
      };
      const dapp = kafkaEnvironment('dapp');
      assert.equal(dapp.variables.KAFKA_SSL, true);
      assert.equal(dapp.variables.KAFKA_SSL_CA_FILE, '/var/run/consortia/kafka-ca/ca.crt');
      assert.equal(dapp.variables.KAFKA_SASL_MECHANISM, 'scram-sha-512');
      assert.equal(dapp.variables.KAFKA_SASL_USERNAME, 'dapp');
      assert.equal(dapp.variables.KAFKA_SASL_PASSWORD, 'dapp-password');
      const caVolume = podSpec(dapp.deployment).volumes?.find(
        (volume) => volume.name === 'kafka-ca',
      );
      assert.equal(
        (caVolume as { secret?: { secretName?: string } })?.secret?.secretName,
        'kafka-ca',
      );
      assert.ok(
        dapp.container.volumeMounts?.some(
          (mount) => mount.name === 'kafka-ca' && mount.mountPath === '/var/run/consortia/kafka-ca',
        ),
      );
      const datasync = kafkaEnvironment('datasync');
      assert.equal(datasync.variables.KAFKA_SSL, true);
      // no CA Secret: the system's CAs
      assert.equal(datasync.variables.KAFKA_SSL_CA_FILE, undefined);
      assert.equal(datasync.variables.KAFKA_SASL_MECHANISM, 'scram-sha-256');
      assert.equal(datasync.variables.KAFKA_SASL_USERNAME, 'datasync');
      assert.equal(datasync.variables.KAFKA_SASL_PASSWORD, 'datasync-password');
    });

    it('refuses Kafka credentials without TLS', async () => {
      const error = await renderFailure({
        'dapp.kafka.brokers': 'kafka-0:9093',
        'dapp.kafka.sasl.enabled': true,
      });
      assert.match(error.message, /dapp\.kafka\.sasl needs dapp\.kafka\.tls\.enabled/);
    });

    it('keeps datasync to a single replica replaced, never overlapped, on update', () => {
      const datasync = workloadSpec(named(objects, 'Deployment', `${FULLNAME}-datasync`));
      assert.equal(datasync.replicas, 1);
      assert.deepEqual(datasync.strategy, { type: 'Recreate' });
      assert.equal(ofKind(objects, 'HorizontalPodAutoscaler').length, 1);
    });

    it('exposes the explorer through an Ingress and reads Postgres credentials from a Secret', () => {
      const ingress = named(objects, 'Ingress', `${FULLNAME}-explorer`).spec as IngressSpec;
      assert.equal(ingress.rules[0]?.host, 'explorer.org1.example.com');
      const explorer = containerNamed(
        named(objects, 'Deployment', `${FULLNAME}-explorer`),
        'explorer',
      );
      const password = explorer.env?.find((variable) => variable.name === 'PGPASSWORD');
      assert.deepEqual(password?.valueFrom, {
        secretKeyRef: { name: 'org1-postgres', key: 'password' },
      });
      assert.match(
        envValue(explorer, 'PEER_OPERATIONS_URLS') ?? '',
        /peer2\.consortia\.svc\.cluster\.local:9443$/,
      );
    });

    it('gives the explorer every variable it reads, operator sign-in from existing Secrets', async () => {
      const explorer = containerNamed(
        named(objects, 'Deployment', `${FULLNAME}-explorer`),
        'explorer',
      );
      const known = new Set([...Object.keys(configSchema.shape), 'NODE_ENV']);
      for (const variable of explorer.env ?? []) assert.ok(known.has(variable.name), variable.name);
      const postgres = { 'org1-postgres': { username: 'reader', password: 'mirror-password' } };
      assert.throws(
        () => containerEnvironment(explorer, postgres),
        /EXPLORER_OPERATOR_USER needs Secret org1-explorer-operator key operator-user/,
      );
      const config = readExplorerConfig(
        containerEnvironment(explorer, {
          ...postgres,
          'org1-explorer-operator': {
            'operator-user': 'operator',
            'operator-password-hash': await hashPassword('a long operator password'),
          },
          'org1-explorer-session': { 'session-secret': 's'.repeat(64) },
        }),
      );
      assert.equal(config.demoMode, false);
      assert.equal(config.operator?.user, 'operator');
      assert.equal(config.sessionHours, 12);
      assert.equal(
        config.databaseUrl,
        'postgres://reader:mirror-password@postgresql:5432/consortia?sslmode=require&uselibpqcompat=true',
      );
      assert.deepEqual(
        config.peerOperationsUrls.map((node) => node.name),
        ['peer0', 'peer1', 'peer2'],
      );
      assert.equal(
        config.peerOperationsUrls[0]?.url,
        `http://${FULLNAME}-peer0.consortia.svc.cluster.local:9443`,
      );
      assert.deepEqual(config.ordererOperationsUrls, []);
    });

    it('runs the explorer in demo mode without operator Secrets, showing the orderers named', async () => {
      const demo = await render('default', {
        'explorer.demoMode': true,
        'explorer.ordererOperationsUrls[0]':
          'orderer0=http://orderers-ordering-service-orderer0.consortia-ordering.svc.cluster.local:9443',
      });
      const explorer = containerNamed(
        named(demo, 'Deployment', `${FULLNAME}-explorer`),
        'explorer',
      );
      assert.equal(envValue(explorer, 'EXPLORER_OPERATOR_USER'), undefined);
      const config = readExplorerConfig(
        containerEnvironment(explorer, {
          'org1-postgres': { username: 'reader', password: 'mirror-password' },
        }),
      );
      assert.equal(config.demoMode, true);
      assert.equal(config.operator, undefined);
      assert.deepEqual(config.ordererOperationsUrls, [
        {
          name: 'orderer0',
          url: 'http://orderers-ordering-service-orderer0.consortia-ordering.svc.cluster.local:9443',
        },
      ]);
    });

    it('leaves the Fabric CA out unless enabled', async () => {
      assert.equal(objects.filter((object) => object.metadata.name.endsWith('-ca')).length, 0);
      const withCa = await render('default', { 'ca.enabled': true });
      const ca = named(withCa, 'StatefulSet', `${FULLNAME}-ca`);
      assert.equal(workloadSpec(ca).replicas, 1);
      assert.equal(workloadSpec(ca).volumeClaimTemplates?.[0]?.metadata.name, 'data');
      assert.deepEqual(containerNamed(ca, 'ca').livenessProbe?.httpGet, {
        path: '/healthz',
        port: 'operations',
      });
    });

    it('moves CouchDB into one StatefulSet per peer when asked', async () => {
      const separate = await render('default', { 'couchdb.mode': 'statefulset' });
      const couchdbs = ofKind(separate, 'StatefulSet').filter((set) =>
        set.metadata.name.includes('couchdb'),
      );
      assert.equal(couchdbs.length, 3);
      const peer0 = named(separate, 'StatefulSet', `${FULLNAME}-peer0`);
      assert.deepEqual(
        podSpec(peer0).containers.map((container) => container.name),
        ['peer'],
      );
      assert.equal(
        envValue(containerNamed(peer0, 'peer'), 'CORE_LEDGER_STATE_COUCHDBCONFIG_COUCHDBADDRESS'),
        `${FULLNAME}-couchdb0:5984`,
      );
      assert.match(
        JSON.stringify(named(separate, 'NetworkPolicy', `${FULLNAME}-couchdb`).spec),
        /"peer"/,
      );
    });
  });
});
