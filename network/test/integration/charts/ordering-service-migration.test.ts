// SPDX-License-Identifier: Apache-2.0
// The ordering-service chart at each helm step of `consortia k8s migrate-consensus`: the values
// the command sets (STEP_VALUES) on top of a Kafka-ordered release's.
import assert from 'node:assert/strict';

import type { KubeObject } from '../../../src/charts/helm';
import { STEP_VALUES } from '../../../src/k8s/consensus-migration/plan';
import { chartUnderTest, containerNamed, envValue, named, podSpec } from './support';

const { fullname: FULLNAME, render, renderFailure } = chartUnderTest('ordering-service');

function stepValues(step: 'restart-as-raft' | 'remove-kafka'): Record<string, string | boolean> {
  return { ...STEP_VALUES[step] };
}

function kafkaObjects(objects: KubeObject[]): string[] {
  return objects
    .filter((object) => /-(kafka|zookeeper)/.test(object.metadata.name))
    .map((object) => `${object.kind}/${object.metadata.name}`);
}

describe('chart ordering-service: Kafka to Raft migration steps', () => {
  it('restart-as-raft: Raft orderers still booting from the system channel, Kafka kept', async () => {
    const kafka = await render('default', { consensus: 'kafka' });
    const objects = await render('default', stepValues('restart-as-raft'));
    // the same Kafka cluster as before the step, so the brokers keep their volumes and topics
    assert.deepEqual(kafkaObjects(objects), kafkaObjects(kafka));
    assert.ok(kafkaObjects(objects).includes(`StatefulSet/${FULLNAME}-kafka`));
    const orderer = containerNamed(
      named(objects, 'StatefulSet', `${FULLNAME}-orderer0`),
      'orderer',
    );
    assert.equal(envValue(orderer, 'ORDERER_GENERAL_BOOTSTRAPMETHOD'), 'file');
    assert.equal(
      envValue(orderer, 'ORDERER_GENERAL_BOOTSTRAPFILE'),
      '/var/hyperledger/orderer/genesis/genesis.block',
    );
    assert.ok(envValue(orderer, 'ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE'));
    assert.equal(envValue(orderer, 'ORDERER_KAFKA_VERSION'), undefined);
    assert.match(
      JSON.stringify(podSpec(named(objects, 'StatefulSet', `${FULLNAME}-orderer0`)).volumes),
      /"secretName":"org1-genesis-block"/,
    );
    for (const probe of [orderer.startupProbe, orderer.readinessProbe]) {
      assert.deepEqual(probe?.httpGet, { path: '/healthz', port: 'operations' });
    }
  });

  it('remove-kafka: no Kafka object is left, the orderers stay Raft with the system channel', async () => {
    const objects = await render('default', stepValues('remove-kafka'));
    assert.deepEqual(kafkaObjects(objects), []);
    const orderer = containerNamed(
      named(objects, 'StatefulSet', `${FULLNAME}-orderer2`),
      'orderer',
    );
    assert.equal(envValue(orderer, 'ORDERER_GENERAL_BOOTSTRAPMETHOD'), 'file');
  });

  it('the schema refuses a kafka.retain that is not a boolean', async () => {
    const error = await renderFailure({ 'kafka.retain': 'yes' });
    assert.match(error.message, /kafka\.retain|retain/);
  });
});
