import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';

import { UserError } from '../../src/errors';
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
        resources: [{ type: 4 /* broker */, name: '1' }],
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
