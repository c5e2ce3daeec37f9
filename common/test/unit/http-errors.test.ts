// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';

import express from 'express';

import type { OpenApiShape } from '../../src/http/closed-document';
import { closedDocument } from '../../src/http/closed-document';
import {
  ApiError,
  bodyParserAnswer,
  errorAnswerOf,
  errorHandler,
  internalErrorAnswer,
  knownErrorAnswer,
} from '../../src/http/errors';
import { createLogger } from '../../src/logging/logger';

describe('the one ApiError and error handler', function () {
  let server: Server;
  let base: string;
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(
    'test-service',
    'debug',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  );

  before(async function () {
    const app = express();
    app.use(express.json({ limit: '10b' }));
    app.get('/refused', () => {
      throw new ApiError(
        429,
        'SLOW_DOWN',
        'later',
        { retryAfterSeconds: 3 },
        { 'Retry-After': '3' },
      );
    });
    app.get('/broken', () => {
      throw new Error('secret detail');
    });
    app.post('/echo', (request, response) => {
      response.json(request.body);
    });
    app.use(
      errorHandler(logger, (error) => knownErrorAnswer(error) ?? internalErrorAnswer('test'), {
        refusalLevel: 'debug',
      }),
    );
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(function () {
    server.close();
  });

  it('answers an ApiError with its status, envelope, details and headers', async function () {
    const response = await fetch(`${base}/refused`);
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '3');
    assert.deepEqual(await response.json(), {
      error: { code: 'SLOW_DOWN', message: 'later', retryAfterSeconds: 3 },
    });
    assert.ok(lines.some((line) => line.msg === 'request refused' && line.level === 'debug'));
  });

  it('answers anything else 500 INTERNAL without its message, and logs it', async function () {
    const response = await fetch(`${base}/broken`);
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), {
      error: { code: 'INTERNAL', message: 'the test could not handle this request' },
    });
    assert.ok(lines.some((line) => line.msg === 'request failed'));
  });

  it('answers the body parser’s refusals: not JSON, too large, not UTF-8', async function () {
    const post = (body: string, type = 'application/json') =>
      fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': type }, body });
    const codes = async (answer: Promise<Response>) => {
      const response = await answer;
      return [response.status, ((await response.json()) as { error: { code: string } }).error.code];
    };
    assert.deepEqual(await codes(post('{')), [400, 'INVALID_JSON']);
    assert.deepEqual(await codes(post(`"${'x'.repeat(20)}"`)), [413, 'BODY_TOO_LARGE']);
    assert.deepEqual(await codes(post('{}', 'application/json; charset=latin1')), [
      415,
      'UNSUPPORTED_ENCODING',
    ]);
    assert.equal(bodyParserAnswer(new Error('other')), undefined);
  });

  it('builds the envelope with further fields', function () {
    assert.deepEqual(errorAnswerOf(404, 'GONE', 'no', { ids: [1] }), {
      status: 404,
      body: { error: { code: 'GONE', message: 'no', ids: [1] } },
    });
  });
});

describe('closedDocument', function () {
  it('closes listed properties, merges allOf, keeps free-form objects open', function () {
    const document = {
      components: {
        schemas: {
          Part: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
          Whole: {
            allOf: [
              { $ref: '#/components/schemas/Part' },
              { type: 'object', properties: { b: { type: 'object' } } },
            ],
          },
        },
      },
      paths: {
        '/x': {
          get: {
            responses: {
              '200': {
                content: {
                  'application/json': {
                    schema: {
                      type: 'object',
                      properties: { n: { type: 'object', properties: {} } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    };
    const closed = closedDocument(document as OpenApiShape);
    const schemas = closed.components?.schemas ?? {};
    assert.equal(schemas.Part?.additionalProperties, false);
    assert.deepEqual(schemas.Whole, {
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'object' } },
      required: ['a'],
      additionalProperties: false,
    });
    const answer = closed.paths['/x']?.get?.responses?.['200'] as {
      content: {
        'application/json': {
          schema: { additionalProperties: unknown; properties: { n: Record<string, unknown> } };
        };
      };
    };
    const schema = answer.content['application/json'].schema;
    assert.equal(schema.additionalProperties, false);
    assert.equal(schema.properties.n.additionalProperties, false);
    assert.equal('additionalProperties' in (document.components.schemas.Part as object), false);
  });
});
