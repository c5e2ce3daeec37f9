// SPDX-License-Identifier: Apache-2.0
// A restarted DAPP answers HTTP at once, while its worker still waits to join the consumer group
// (which lasts until every old member has rejoined or timed out). Real Kafka and Postgres;
// Fabric stubbed.
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { Kafka, logLevel } from 'kafkajs';
import type { Consumer } from 'kafkajs';

import type { Database } from '@consortia/common';
import { createLogger } from '@consortia/common';

import { readConfig } from '../../src/config';
import { hashApiKey } from '../../src/http/auth';
import { consumerGroupFor } from '../../src/queue/worker';
import type { RunningService } from '../../src/service';
import { startService } from '../../src/service';
import { migrate } from '../../src/store/migrate';
import { RequestStore } from '../../src/store/request-store';
import type { TestKafka } from '../support/infra';
import { eventually, freePort, startKafka, startPostgres, tempDir } from '../support/infra';
import { chaincodeMetadata } from '../support/metadata';
import { StubLedgerSubmitter } from '../support/stub-submitter';

describe('DAPP start while the consumer group is rebalancing (real Kafka and Postgres)', function () {
  this.timeout(240_000);
  const dir = tempDir('worker-start');
  let kafka: TestKafka | undefined;
  let database: Database | undefined;
  let blocker: Consumer | undefined;
  let service: RunningService | undefined;
  let release: () => void = () => undefined;

  before(async function () {
    [kafka, database] = await Promise.all([startKafka(dir), startPostgres(dir)]);
  });

  after(async function () {
    release();
    await service?.stop().catch(() => undefined);
    await blocker?.disconnect().catch(() => undefined);
    await database?.stop();
    await kafka?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTP before its worker has joined the group', async function () {
    const url = database!.connectionString;
    await migrate({ connectionString: url });
    const store = new RequestStore({ connectionString: url });
    const storeId = await store.storeId();
    await store.close();
    const topic = 'dapp.tx.requests';
    const client = new Kafka({ brokers: kafka!.brokers, logLevel: logLevel.NOTHING });
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    const producer = client.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'not a request' }] });
    await producer.disconnect();

    // A member of the DAPP's group that is busy with a batch: a new member's join waits for it
    // to rejoin, up to its rebalance timeout, just as it waits out a killed DAPP's session.
    blocker = client.consumer({
      groupId: consumerGroupFor('dapp-workers', storeId),
      rebalanceTimeout: 40_000,
      sessionTimeout: 30_000,
    });
    await blocker.connect();
    await blocker.subscribe({ topic, fromBeginning: true });
    const busy = new Promise<void>((resolve) => {
      void blocker!.run({
        eachMessage: () =>
          new Promise<void>((done) => {
            release = done;
            resolve();
          }),
      });
    });
    await busy;

    const port = await freePort();
    const { entry } = await hashApiKey('tester');
    const stub = new StubLedgerSubmitter(url, chaincodeMetadata());
    await stub.init();
    const starting = startService(
      readConfig({
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'silent',
        DATABASE_URL: url,
        KAFKA_BROKERS: kafka!.brokers.join(','),
        FABRIC_CHANNEL: 'consortium',
        FABRIC_CHAINCODE: 'consortia',
        DAPP_API_KEYS: entry,
      }),
      createLogger('worker-start-test', 'silent'),
      'serve',
      { submitter: stub },
    );
    let started = false;
    void starting.then((running) => {
      started = true;
      service = running;
    });
    const health = await eventually(
      'the DAPP answers HTTP',
      async () => {
        const answer = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        return answer?.status === 200 ? answer : undefined;
      },
      20_000,
    );
    assert.equal(health.status, 200);
    assert.equal(started, false, 'the worker is still waiting to join the group');
    release();
    service = await starting;
    stub.close();
  });
});
