// SPDX-License-Identifier: Apache-2.0
// Callers on the real network: a key signs only as the identities it is allowed, sees only its
// own requests, and private details queued through Kafka reach the chaincode without ever being
// in a topic. Real peers, orderer, Kafka and Postgres; skipped where Fabric is not installed.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';

import { Kafka, logLevel } from 'kafkajs';

import { hashApiKey } from '../../src/http/auth';
import type { NetworkDapp } from '../support/fabric';
import { CHAINCODE, skipWithoutNetwork, startNetworkDapp } from '../support/fabric';
import type { DappAnswer } from '../support/http';
import { callDapp } from '../support/http';
import { eventually, tempDir } from '../support/infra';

describe('DAPP callers on a real Fabric network', function () {
  this.timeout(600_000);
  const dir = tempDir('callers-network');
  const run = crypto.randomBytes(4).toString('hex');
  const topic = `callers-${run}.requests`;
  const secret = `appraisal-${run}`;
  let dapp: NetworkDapp | undefined;
  let portal: string;
  let other: string;

  before(async function () {
    skipWithoutNetwork(this);
    const keys = await Promise.all([hashApiKey('portal'), hashApiKey('other')]);
    [portal, other] = keys.map((key) => key.key) as [string, string];
    dapp = await startNetworkDapp(dir, {
      DAPP_API_KEYS: keys.map((key) => key.entry).join(','),
      DAPP_TRANSIENT_KEY: crypto.randomBytes(32).toString('base64'),
      // This run's own topics and group: other suites share the network's broker.
      KAFKA_TOPIC: topic,
      KAFKA_RESULTS_TOPIC: `callers-${run}.results`,
      KAFKA_DLQ_TOPIC: `callers-${run}.dlq`,
      KAFKA_GROUP_ID: `callers-${run}`,
      KAFKA_PARTITIONS: '2',
    });
  });

  after(async function () {
    await dapp?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const call = (
    key: string,
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<DappAnswer> => callDapp(dapp!.base, key, method, route, body, headers);
  const route = (kind: string) =>
    `/v1/channels/${dapp!.network.topology.options.channel}/chaincodes/${CHAINCODE}/${kind}`;

  it('refuses an identity the key may not use, without naming the ones that exist', async function () {
    const answer = await call(
      portal,
      'POST',
      route('queries'),
      { function: 'TokenContract:ClientAccountID' },
      { 'x-fabric-identity': 'admin' },
    );
    assert.equal(answer.status, 403, JSON.stringify(answer.body));
    assert.deepEqual(answer.body, {
      error: {
        code: 'IDENTITY_FORBIDDEN',
        message: "this caller may not use the Fabric identity 'admin'",
      },
    });
  });

  it('queues private details without putting them in Kafka; the owner reads them back', async function () {
    const assetId = `CALLERS-${run}`;
    const accepted = await call(portal, 'POST', route('transactions'), {
      function: 'AssetContract:CreateAsset',
      args: [assetId, 'container', 'alice', '{"color":"green"}'],
      transient: { privateDetails: { appraisal: secret } },
      requestId: `create-${run}`,
      mode: 'async',
    });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    const committed = await eventually(
      'the queued creation committed',
      async () => {
        const status = await call(portal, 'GET', `/v1/requests/create-${run}`);
        assert.notEqual(status.body.status, 'failed', JSON.stringify(status.body));
        return status.body.status === 'committed' ? status.body : undefined;
      },
      120_000,
      500,
    );
    assert.match(String(committed.txId), /^[0-9a-f]{64}$/);
    const details = await call(portal, 'POST', route('queries'), {
      function: 'AssetContract:ReadAssetPrivateDetails',
      args: [assetId],
    });
    assert.equal(details.status, 200, JSON.stringify(details.body));
    assert.match(JSON.stringify(details.body.result), new RegExp(secret));

    const notMine = await call(other, 'GET', `/v1/requests/create-${run}`);
    assert.equal(notMine.status, 404, "another key does not see the portal's request");

    const kafka = new Kafka({
      clientId: `callers-reader-${run}`,
      brokers: dapp!.network.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `callers-reader-${run}` });
    const values: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`nothing read from ${topic}`)), 60_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            values.push(message.value?.toString('utf8') ?? '');
            clearTimeout(timer);
            resolve();
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    const queued = JSON.parse(values[0] ?? '{}') as Record<string, unknown>;
    assert.equal(queued.requestId, `portal:create-${run}`);
    assert.equal(queued.transientRef, `portal:create-${run}`);
    assert.doesNotMatch(values.join('\n'), new RegExp(secret), 'the details never were in Kafka');
  });
});
