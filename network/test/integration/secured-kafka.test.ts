// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';

import { kafkaClientConfig, readKafkaClientVariables } from '@consortia/common';
import type { ServiceProcess } from '@consortia/common/testing';
import { eventually, freePort, spawnService, stopWithSignal } from '@consortia/common/testing';
import { hashApiKey } from '@consortia/dapp';
import { Kafka, logLevel } from 'kafkajs';

import { readClientCredentials } from '../../src/kafka/client-listener';
import { REPOSITORY_ROOT } from '../../src/repository';
import type { LocalCredentials } from '../../src/services/local-services';
import { localServices } from '../../src/services/local-services';
import type { TestNetwork } from '../../src/testing';
import { serviceKafkaEnv, sharedTestNetwork } from '../../src/testing';
import { tempDir } from '../support/temp';

// The DAPP and datasync as `npm start` configures them (localServices), on the shared real
// network: both reach Kafka only through the broker's TLS + SASL/SCRAM listener, each as its own
// user, and a DAPP with a wrong password is refused by the broker.
describe('the DAPP and datasync on the secured Kafka listener (real network)', function () {
  this.timeout(600_000);
  const run = crypto.randomBytes(4).toString('hex');
  // under each user's ACL prefixes (dapp., ledger.), apart from other suites' topics
  const topics = {
    KAFKA_TOPIC: `dapp.secured-${run}.requests`,
    KAFKA_RESULTS_TOPIC: `dapp.secured-${run}.results`,
    KAFKA_DLQ_TOPIC: `dapp.secured-${run}.dlq`,
  };
  const ledgerTopic = `ledger.secured-${run}`;
  let network: TestNetwork;
  let dappEnv: Record<string, string>;
  let datasyncEnv: Record<string, string>;
  let apiKey: string;
  const running: ServiceProcess[] = [];

  async function get(url: string, headers: Record<string, string> = {}) {
    const response = await fetch(url, { headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function start(
    workspace: 'dapp' | 'datasync',
    env: Record<string, string>,
  ): Promise<ServiceProcess> {
    const service = spawnService(path.join(REPOSITORY_ROOT, workspace, 'src', 'index.ts'), [], env);
    running.push(service);
    return service;
  }

  async function ready(service: ServiceProcess, port: string): Promise<Record<string, unknown>> {
    return eventually(
      `${port} ready`,
      async () => {
        if (service.child.exitCode !== null) {
          throw new Error(`exited ${service.child.exitCode}:\n${service.output()}`);
        }
        const answer = await get(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        return answer?.status === 200 ? answer.body : undefined;
      },
      180_000,
    );
  }

  before(async function () {
    network = await sharedTestNetwork();
    const kafka = network.topology.kafka;
    assert.ok(kafka?.clientPort, 'the shared network runs the Kafka client listener');
    const made = await hashApiKey('secured');
    apiKey = made.key;
    const credentials: LocalCredentials = {
      dapp: { key: made.key, entry: made.entry },
      appApiJwtSecret: 'unused',
      explorer: { user: 'unused', password: 'unused', passwordHash: 'unused', sessionSecret: 'x' },
      kafka: readClientCredentials(kafka),
    };
    const services = localServices(network.topology, network.chaincode, credentials);
    const envOf = (name: string) => {
      const service = services.find((candidate) => candidate.name === name);
      assert.ok(service);
      return service.env;
    };
    const dir = tempDir('secured-kafka');
    dappEnv = {
      ...envOf('dapp'),
      ...topics,
      PORT: String(await freePort()),
      DAPP_DATA_DIR: path.join(dir, 'dapp'),
      DAPP_EMBEDDED_PG_PORT: String(await freePort()),
      KAFKA_PARTITIONS: '2',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'warn',
    };
    datasyncEnv = {
      ...envOf('datasync'),
      PORT: String(await freePort()),
      DATASYNC_DATA_DIR: path.join(dir, 'datasync'),
      DATASYNC_EMBEDDED_PG_PORT: String(await freePort()),
      LEDGER_EVENTS_TOPIC: ledgerTopic,
      LOG_LEVEL: 'warn',
    };
  });

  after(async function () {
    for (const service of running) {
      if (service.child.exitCode === null) {
        await stopWithSignal(service, 'SIGTERM', 60_000).catch(() => undefined);
      }
    }
  });

  it('are configured for the TLS + SCRAM listener, each as its own user', function () {
    const clientPort = network.topology.kafka?.clientPort;
    for (const [env, user] of [
      [dappEnv, 'dapp'],
      [datasyncEnv, 'datasync'],
    ] as const) {
      assert.equal(env.KAFKA_BROKERS, `127.0.0.1:${clientPort}`);
      assert.equal(env.KAFKA_SASL_MECHANISM, 'scram-sha-512');
      assert.equal(env.KAFKA_SASL_USERNAME, user);
      assert.ok(env.KAFKA_SSL_CA_FILE);
      // what other suites take from @consortia/network/testing
      const shared = serviceKafkaEnv(network.topology, user);
      for (const [name, value] of Object.entries(shared)) assert.equal(env[name], value, name);
    }
  });

  it('a DAPP with a wrong Kafka password is refused by the broker', async function () {
    const refused = await start('dapp', {
      ...dappEnv,
      KAFKA_SASL_PASSWORD: 'wrong-password',
      PORT: String(await freePort()),
      DAPP_EMBEDDED_PG_PORT: String(await freePort()),
      DAPP_DATA_DIR: path.join(tempDir('secured-kafka-refused'), 'dapp'),
    });
    let timer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([
      refused.exited,
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 180_000))),
    ]);
    // a pending 180 s timer would keep mocha running long after the last test
    clearTimeout(timer);
    assert.ok(exited, `the DAPP kept running:\n${refused.output()}`);
    assert.notEqual(exited.code, 0);
    assert.match(refused.output(), /SASL|authenticat/i);
  });

  it('queues, consumes and commits through Kafka as the dapp user', async function () {
    const dapp = await start('dapp', dappEnv);
    const readiness = await ready(dapp, dappEnv.PORT ?? '');
    assert.equal((readiness.checks as Record<string, unknown>).kafka, 'ok');
    const base = `http://127.0.0.1:${dappEnv.PORT}`;
    const { channel } = network.topology.options;
    const requestId = `secured-${run}`;
    const answer = await fetch(
      `${base}/v1/channels/${channel}/chaincodes/${network.chaincode}/transactions`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: JSON.stringify({
          function: 'TokenContract:Mint',
          args: ['b'.repeat(64), '1'],
          mode: 'async',
          requestId,
        }),
      },
    );
    assert.equal(answer.status, 202, await answer.text());
    const committed = await eventually(
      `${requestId} committed`,
      async () => {
        const status = await get(`${base}/v1/requests/${requestId}`, { 'x-api-key': apiKey });
        if (status.body.status === 'failed') throw new Error(JSON.stringify(status.body));
        return status.body.status === 'committed' ? status.body : undefined;
      },
      180_000,
    );
    assert.match(String(committed.txId), /^[0-9a-f]{64}$/);
  });

  it('publishes ledger events as the datasync user', async function () {
    const datasync = await start('datasync', datasyncEnv);
    const readiness = await ready(datasync, datasyncEnv.PORT ?? '');
    assert.equal((readiness.checks as Record<string, unknown>).kafka, 'ok');
    // read back as datasync itself, in a group its ACLs allow
    const kafka = new Kafka(
      kafkaClientConfig(readKafkaClientVariables(datasyncEnv), {
        brokers: [datasyncEnv.KAFKA_BROKERS ?? ''],
        clientId: 'secured-test-reader',
        logLevel: logLevel.NOTHING,
      }),
    );
    const consumer = kafka.consumer({ groupId: `datasync-secured-test-${run}` });
    await eventually(
      `${ledgerTopic} exists`,
      async () => {
        const admin = kafka.admin();
        await admin.connect();
        try {
          return (await admin.listTopics()).includes(ledgerTopic) || undefined;
        } finally {
          await admin.disconnect();
        }
      },
      180_000,
    );
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: ledgerTopic, fromBeginning: true });
      const first = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no ledger event in 120 s')), 120_000);
        consumer
          .run({
            eachMessage: async ({ message }) => {
              clearTimeout(timer);
              resolve(message.key?.toString() ?? '');
            },
          })
          .catch(reject);
      });
      // events are keyed by channel
      assert.equal(first, network.topology.options.channel);
    } finally {
      await consumer.disconnect();
    }
  });
});
