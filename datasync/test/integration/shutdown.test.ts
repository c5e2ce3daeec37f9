// SPDX-License-Identifier: Apache-2.0
// datasync as its own process (`run`), with its embedded Postgres and its outbox relay on a real
// Kafka broker: SIGTERM or SIGINT runs every shutdown step (HTTP, sync, relay, block source,
// pool, Postgres) and exits 0. The peer is a closed port: the sync keeps retrying meanwhile.
import assert from 'node:assert/strict';
import path from 'node:path';

import type { ServiceProcess } from '@consortia/common/testing';
import {
  assertCleanShutdown,
  freePort,
  killIfRunning,
  selfSigned,
  spawnService,
  tempDir,
  waitForHealthz,
} from '@consortia/common/testing';
import type { TestKafka } from '@consortia/network/testing';
import { startTestKafka, testKafkaUnavailable } from '@consortia/network/testing';

const ENTRY = path.resolve(__dirname, '../../src/index.ts');
const STEPS = [
  'stop accepting requests',
  'stop syncing',
  'finish analyzing the mirror',
  'drain the outbox relay',
  'close the block source',
  'close the Postgres pool',
  'stop Postgres',
];

describe('datasync shutdown on a signal (real process, embedded Postgres, real Kafka)', function () {
  this.timeout(300_000);
  const dir = tempDir('datasync-shutdown');
  let kafka: TestKafka | undefined;
  let service: ServiceProcess | undefined;
  let env: NodeJS.ProcessEnv;

  before(async function () {
    const unavailable = testKafkaUnavailable();
    if (unavailable) {
      process.stderr.write(`      ${unavailable}: skipped\n`);
      this.skip();
    }
    kafka = await startTestKafka(dir);
    const { cert, key } = selfSigned(dir, 'datasync');
    env = {
      LOG_LEVEL: 'info',
      FABRIC_PEER_ENDPOINTS: `127.0.0.1:${await freePort()}`,
      FABRIC_CERT_FILE: cert,
      FABRIC_KEY_FILE: key,
      FABRIC_TLS_CA_FILE: cert,
      KAFKA_BROKERS: kafka.brokers.join(','),
      DATASYNC_RETRY_MIN_MS: '200',
      DATASYNC_RETRY_MAX_MS: '1000',
    };
  });

  afterEach(function () {
    killIfRunning(service);
  });

  after(async function () {
    await kafka?.stop();
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} runs every shutdown step, stops its Postgres and exits 0`, async function () {
      const port = await freePort();
      const pgPort = await freePort();
      service = spawnService(ENTRY, ['run'], {
        ...env,
        PORT: String(port),
        DATASYNC_DATA_DIR: path.join(dir, `postgres-${signal}`),
        DATASYNC_EMBEDDED_PG_PORT: String(pgPort),
      });
      const running = service;
      await waitForHealthz(running, 'datasync', port);
      assert.match(running.output(), /datasync started/);
      // a few sync attempts against the closed peer port, and the relay polling the outbox
      await new Promise((resolve) => setTimeout(resolve, 2_000));

      const stopped = await assertCleanShutdown(running, signal, {
        steps: STEPS,
        postgresPort: pgPort,
        timeoutMs: 60_000,
      });
      assert.deepEqual(stopped.stepsDone, STEPS, stopped.output);
    });
  }
});
