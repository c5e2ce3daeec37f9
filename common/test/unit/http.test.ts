// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';

import express from 'express';
import { Counter, Registry } from 'prom-client';

import { CORRELATION_HEADER, correlationMiddleware } from '../../src/http/correlation';
import { operationsRouter } from '../../src/http/operations';
import { createLogger, currentCorrelationId } from '../../src/logging/logger';

describe('HTTP building blocks', function () {
  let server: Server;
  let base: string;
  let kafkaReady: true | string = true;
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(
    'test-service',
    'info',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  );

  before(async function () {
    const registry = new Registry();
    const counter = new Counter({
      name: 'test_requests_total',
      help: 'requests',
      registers: [registry],
    });
    const app = express();
    app.use(correlationMiddleware());
    app.use(
      operationsRouter({
        registry,
        checks: {
          postgres: async () => true,
          kafka: async () => kafkaReady,
          slow: () => new Promise(() => undefined),
        },
        checkTimeoutMs: 100,
      }),
    );
    app.get('/work', async (_request, response) => {
      counter.inc();
      await new Promise((resolve) => setTimeout(resolve, 5));
      logger.info('did work');
      response.json({ correlationId: currentCorrelationId() });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => server.close());

  it('/healthz answers while the process lives', async function () {
    const response = await fetch(`${base}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  it('/readyz is 503 naming each dependency that does not answer', async function () {
    kafkaReady = 'broker 127.0.0.1:9092 unreachable';
    const response = await fetch(`${base}/readyz`);
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), {
      status: 'not ready',
      checks: {
        postgres: 'ok',
        kafka: 'broker 127.0.0.1:9092 unreachable',
        slow: 'no answer within 100 ms',
      },
    });
  });

  it('/metrics serves the Prometheus text format', async function () {
    await fetch(`${base}/work`);
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /^test_requests_total 1$/m);
  });

  it('keeps a caller correlation id through awaits into the logs, and makes one otherwise', async function () {
    const response = await fetch(`${base}/work`, { headers: { [CORRELATION_HEADER]: 'req-42' } });
    assert.equal(response.headers.get(CORRELATION_HEADER), 'req-42');
    assert.deepEqual(await response.json(), { correlationId: 'req-42' });
    const line = lines.find((entry) => entry.correlationId === 'req-42');
    assert.equal(line?.service, 'test-service');
    assert.equal(line?.level, 'info');
    assert.equal(line?.msg, 'did work');

    const generated = await fetch(`${base}/work`, {
      headers: { [CORRELATION_HEADER]: 'bad id with spaces' },
    });
    assert.match(generated.headers.get(CORRELATION_HEADER) ?? '', /^[0-9a-f-]{36}$/);
  });
});
