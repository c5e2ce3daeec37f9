// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import http from 'node:http';

import type { RequestHandler } from 'express';
import { Registry } from 'prom-client';

import { serviceApp } from '../../src/http/app';
import { CORRELATION_HEADER } from '../../src/http/correlation';
import type { AnsweredRequest } from '../../src/http/request-metrics';
import { closeServer, listen } from '../../src/http/server';
import { httpMetrics, serviceRegistry } from '../../src/metrics/registry';

describe('service app, request metrics and registry', function () {
  let server: Server;
  let base: string;
  const answered: AnsweredRequest[] = [];
  const registry = new Registry();
  const metrics = { registry, http: httpMetrics(registry, 'test_', [0.1, 1]) };
  const stamp: RequestHandler = (_request, response, next) => {
    response.setHeader('x-stamp', 'yes');
    next();
  };

  before(async function () {
    const app = serviceApp({
      metrics,
      checks: { store: async () => true },
      requestMetrics: {
        unmatched: 'other',
        routeOf: (request) => (request.path.startsWith('/items/') ? '/items/{id}' : undefined),
        onAnswered: (answer) => void answered.push(answer),
      },
      middleware: [stamp],
    });
    app.get('/items/:id', (_request, response) => void response.json({ ok: true }));
    app.get('/plain/:id', (_request, response) => void response.status(201).end());
    server = http.createServer(app);
    base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  });

  after(() => closeServer(server));

  it('answers the operations endpoints, with the middleware and a correlation id', async function () {
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(ready.headers.get('x-stamp'), 'yes');
    assert.equal(ready.headers.get('x-powered-by'), null);
    assert.ok(ready.headers.get(CORRELATION_HEADER));
  });

  it('labels requests by route pattern, preferring routeOf, and passes each answer on', async function () {
    answered.length = 0;
    await (await fetch(`${base}/items/1`, { headers: { [CORRELATION_HEADER]: 'c-1' } })).text();
    await (await fetch(`${base}/plain/2`)).text();
    await (await fetch(`${base}/nowhere`)).text();
    const text = await registry.metrics();
    assert.match(
      text,
      /test_http_requests_total\{method="GET",route="\/items\/\{id\}",status="200"\} 1/,
    );
    assert.match(
      text,
      /test_http_requests_total\{method="GET",route="\/plain\/:id",status="201"\} 1/,
    );
    assert.match(text, /test_http_requests_total\{method="GET",route="other",status="404"\} 1/);
    assert.match(text, /test_http_request_duration_seconds_count\{method="GET",route="other"\} 1/);
    assert.deepEqual(
      answered.map(({ route, correlationId }) => [route, correlationId]).slice(0, 1),
      [['/items/{id}', 'c-1']],
    );
    assert.ok(answered.every(({ seconds }) => seconds >= 0));
  });

  it('serviceRegistry collects the process metrics under the prefix', async function () {
    assert.match(await serviceRegistry('svc_').metrics(), /^svc_process_cpu_seconds_total /m);
  });
});
