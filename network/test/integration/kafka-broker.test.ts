// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';

import { kafkaClientConfig, readKafkaClientVariables } from '@consortia/common';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';

import { UserError } from '../../src/errors';
import { kafkaClientEnv } from '../../src/kafka/client-listener';
import { provisionClientUsers } from '../../src/kafka/client-users';
import { consortiaHome } from '../../src/install';
import { kafkaComponent } from '../../src/install/kafka';
import {
  ABSOLUTE_MAX_BYTES,
  kafkaClient,
  prepareBroker,
  startBroker,
} from '../../src/kafka/broker';
import { assertPortsFree } from '../../src/process/ports';
import { isOurs, readPidRecord, stopDaemon } from '../../src/process/supervisor';
import { parseNetworkOptions } from '../../src/topology/options';
import { buildTopology, networkPorts } from '../../src/topology/topology';
import { tempDir, testBasePort } from '../support/temp';

describe('Kafka broker for Kafka-based ordering (real broker)', function () {
  const home = consortiaHome();
  const stateDir = tempDir('kafka');
  const topology = buildTopology(
    parseNetworkOptions({
      consensus: 'kafka',
      orgs: 1,
      peersPerOrg: 1,
      basePort: testBasePort(1),
      stateDir,
    }),
  );
  const node = topology.kafka!;
  const location = { node, runDir: topology.paths.run, logDir: topology.paths.logs };

  before(async function () {
    assert.ok(
      kafkaComponent.isInstalled(home),
      'Kafka is not installed: run `consortia install kafka`',
    );
    await prepareBroker(home, node);
    await startBroker(home, location);
    await provisionClientUsers(home, node);
  });

  after(async function () {
    await stopDaemon(location.runDir, 'kafka');
  });

  it('runs with the settings Fabric requires', async function () {
    const admin = kafkaClient(node).admin();
    await admin.connect();
    try {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.BROKER, name: '1' }],
      });
      const entries = new Map(
        resources[0]!.configEntries.map((entry) => [entry.configName, entry.configValue]),
      );
      assert.equal(entries.get('unclean.leader.election.enable'), 'false');
      assert.equal(entries.get('log.retention.ms'), '-1');
      assert.ok(Number(entries.get('message.max.bytes')) >= ABSOLUTE_MAX_BYTES);
      assert.ok(Number(entries.get('replica.fetch.max.bytes')) >= ABSOLUTE_MAX_BYTES);
    } finally {
      await admin.disconnect();
    }
  });

  it('stores and returns a block-sized message', async function () {
    const kafka = kafkaClient(node);
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: 'consortia-test' });
    const payload = Buffer.alloc(ABSOLUTE_MAX_BYTES - 1024, 7);
    await producer.connect();
    await producer.send({ topic: 'blocks', acks: -1, messages: [{ value: payload }] });
    await producer.disconnect();
    await consumer.connect();
    await consumer.subscribe({ topic: 'blocks', fromBeginning: true });
    const received = await new Promise<number>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => resolve(message.value?.length ?? 0),
      });
    });
    await consumer.disconnect();
    assert.equal(received, payload.length);
  });

  it('names the process holding a port the network needs', async function () {
    const broker = readPidRecord(location.runDir, 'kafka')!;
    await assert.rejects(assertPortsFree(networkPorts(topology)), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.match(
        error.message,
        new RegExp(`port ${node.port} \\(for kafka\\) is in use by pid ${broker.pid} \\(java`),
      );
      assert.match(error.hint ?? '', /--base-port/);
      return true;
    });
  });

  // the services' listener (TLS and SASL/SCRAM)
  const clientPort = node.clientPort!;
  /** A kafkajs client configured the way the services are: env vars through common's parser. */
  const clientAs = (variables: Record<string, string>, clientId = 'secured-test') =>
    new Kafka({
      ...kafkaClientConfig(readKafkaClientVariables(variables), {
        brokers: [`127.0.0.1:${clientPort}`],
        clientId,
        logLevel: logLevel.NOTHING,
      }),
      retry: { retries: 5, initialRetryTime: 200 },
      connectionTimeout: 3000,
      authenticationTimeout: 3000,
    });
  /** Connects and asks for the topics: a refused client throws. */
  const probe = async (kafka: Kafka) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  };
  const envOf = (user: 'dapp' | 'datasync') => kafkaClientEnv({ ...node, clientPort }, user);

  it('lets each service in with its credentials, to its own topics', async function () {
    const producer = clientAs(envOf('dapp')).producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'dapp.tx.requests', messages: [{ value: 'queued' }] });
    } finally {
      await producer.disconnect();
    }
    const datasync = clientAs(envOf('datasync')).producer({ idempotent: true });
    await datasync.connect();
    try {
      await datasync.send({ topic: 'ledger.events', acks: -1, messages: [{ value: 'block' }] });
    } finally {
      await datasync.disconnect();
    }
  });

  it('refuses a client without credentials, without TLS, or with a wrong password', async function () {
    const caOnly = { KAFKA_SSL_CA_FILE: envOf('dapp').KAFKA_SSL_CA_FILE ?? '' };
    await assert.rejects(probe(clientAs(caOnly)));
    await assert.rejects(probe(clientAs({})));
    await assert.rejects(
      probe(clientAs({ ...envOf('dapp'), KAFKA_SASL_PASSWORD: 'wrong' })),
      /SASL|authenticat/i,
    );
    // a certificate the broker's CA did not sign is refused by the client
    await assert.rejects(
      probe(
        clientAs({ ...envOf('dapp'), KAFKA_SSL_CA_FILE: '/etc/ssl/certs/ca-certificates.crt' }),
      ),
    );
  });

  it("refuses another service's topics and consumer groups", async function () {
    const producer = clientAs(envOf('dapp')).producer();
    await producer.connect();
    try {
      await assert.rejects(
        producer.send({ topic: 'ledger.events', messages: [{ value: 'forged' }] }),
        /not authorized|authorization/i,
      );
    } finally {
      await producer.disconnect();
    }
    /** Reads one message of ledger.events as datasync, in the given consumer group. */
    const readAs = async (groupId: string) => {
      const consumer = clientAs(envOf('datasync')).consumer({ groupId });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: 'ledger.events', fromBeginning: true });
        await new Promise((resolve, reject) => {
          consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
          consumer.run({ eachMessage: async () => resolve(undefined) }).catch(reject);
        });
      } finally {
        await consumer.disconnect();
      }
    };
    await readAs('datasync-reader');
    // the DAPP's worker group is not datasync's: the broker will not even name its coordinator
    await assert.rejects(
      readAs('dapp-workers.stolen'),
      /not authorized|authorization|group coordinator/i,
    );
  });

  it('is found again after a restart of the command, and stops by its pid', async function () {
    const record = readPidRecord(location.runDir, 'kafka')!;
    const again = await startBroker(home, location);
    assert.equal(again.pid, record.pid, 'a running broker is reused, not started twice');
    assert.equal(await stopDaemon(location.runDir, 'kafka'), 'stopped');
    assert.equal(isOurs(record), false);
    assert.ok(
      await new Promise((resolve) => {
        const socket = net.connect({ port: node.port, host: '127.0.0.1' });
        socket.once('error', () => resolve(true));
        socket.once('connect', () => {
          socket.destroy();
          resolve(false);
        });
      }),
      'the broker port is closed',
    );
    assert.equal(path.basename(record.logFile), 'kafka.log');
  });
});
