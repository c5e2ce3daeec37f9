// SPDX-License-Identifier: Apache-2.0
// The DAPP as its own process (`serve`, and `worker`), with its embedded Postgres and a real
// Kafka broker: SIGTERM or SIGINT runs every shutdown step (stop accepting, drain the worker and
// commit its offsets, close the producer, the Fabric connections and the database) and exits 0.
// Fabric is not contacted: the peer endpoint is a closed port, which the DAPP only reaches lazily.
import path from 'node:path';

import type { ServiceProcess } from '@consortia/common/testing';
import {
  assertCleanShutdown,
  killIfRunning,
  logRecords,
  portOpen,
  spawnService,
  waitForStart,
} from '@consortia/common/testing';

import { hashApiKey } from '../../src/http/auth';
import { makeCertificates } from '../support/certificates';
import type { TestKafka } from '../support/infra';
import { freePort, startKafka, tempDir } from '../support/infra';

const ENTRY = path.resolve(__dirname, '../../src/index.ts');

describe('DAPP shutdown on a signal (real process, embedded Postgres, real Kafka)', function () {
  this.timeout(300_000);
  const dir = tempDir('shutdown');
  let kafka: TestKafka | undefined;
  let service: ServiceProcess | undefined;
  let env: NodeJS.ProcessEnv;

  before(async function () {
    kafka = await startKafka(dir);
    const certificates = makeCertificates(path.join(dir, 'certs'));
    const { entry } = await hashApiKey('shutdown');
    env = {
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DAPP_API_KEYS: entry,
      FABRIC_CERT_FILE: certificates.clientCert,
      FABRIC_KEY_FILE: certificates.clientKey,
      FABRIC_PEER_ENDPOINTS: `127.0.0.1:${await freePort()}`,
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_PARTITIONS: '2',
      SHUTDOWN_TIMEOUT_MS: '60000',
    };
  });

  afterEach(function () {
    killIfRunning(service);
  });

  after(async function () {
    await kafka?.stop();
  });

  const cases = [
    { role: 'serve', signal: 'SIGTERM' },
    { role: 'worker', signal: 'SIGINT' },
  ] as const;
  for (const { role, signal } of cases) {
    it(`${role}: ${signal} runs every shutdown step, stops its Postgres and exits 0`, async function () {
      const port = await freePort();
      const pgPort = await freePort();
      service = spawnService(ENTRY, [role], {
        ...env,
        PORT: String(port),
        DAPP_DATA_DIR: path.join(dir, `postgres-${role}`),
        DAPP_EMBEDDED_PG_PORT: String(pgPort),
        KAFKA_GROUP_ID: `shutdown-${role}`,
      });
      const running = service;
      await waitForStart(
        running,
        `the DAPP ${role} to start its worker`,
        async () =>
          logRecords(running.output()).some(
            (record) => typeof record.msg === 'string' && /worker|listening/i.test(record.msg),
          ) &&
          (role === 'worker' || (await portOpen(port))),
        120_000,
      );
      // let the consumer join its group, so the drain has a member to leave
      await new Promise((resolve) => setTimeout(resolve, 3_000));

      await assertCleanShutdown(running, signal, {
        steps: [
          ...(role === 'serve' ? ['stop accepting requests', 'disconnect Kafka admin'] : []),
          'drain worker and commit offsets',
          'disconnect Kafka producer',
          'close Fabric connections',
          'close database',
        ],
        postgresPort: pgPort,
        timeoutMs: 90_000,
      });
    });
  }
});
