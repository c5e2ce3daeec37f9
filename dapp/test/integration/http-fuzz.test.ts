// SPDX-License-Identifier: Apache-2.0
// Property-based, against a running DAPP on the real shared Fabric network (real peers, orderer,
// Kafka, Postgres): every operation of the document the DAPP serves, per-chaincode paths
// included, is called with requests drawn from its own schemas (and some drawn from nothing at
// all). No answer may be a 5xx, use a status the operation does not declare, or carry a body its
// schema (closed: nothing undeclared) does not admit; and a request the document admits is never
// refused by the DAPP as invalid (a 400 of a valid request is the chaincode's own refusal).
// FUZZ_RUNS sets the requests per operation (default 12, to keep CI short).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { closedDocument } from '@consortia/common';
import { requestsFor } from '@consortia/common/testing';
import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';

import { hashApiKey } from '../../src/http/api-keys';
import type { OpenApiDocument } from '../../src/http/openapi';
import { operations } from '../../src/http/openapi';
import type { NetworkDapp } from '../support/fabric';
import { CHAINCODE, skipWithoutNetwork, startNetworkDapp } from '../support/fabric';
import { tempDir } from '../support/infra';

const RUNS = Number(process.env.FUZZ_RUNS ?? 12);

const pointer = (...parts: string[]) =>
  parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

describe('every operation of the DAPP document, fuzzed from its own schemas (real Fabric)', function () {
  this.timeout(600_000);
  let dapp: NetworkDapp | undefined;
  let base: string;
  let apiKey: string;
  let document: OpenApiDocument;
  const ajv = new Ajv2020({ strict: false, allErrors: true });

  before(async function () {
    skipWithoutNetwork(this);
    const key = await hashApiKey('fuzz');
    apiKey = key.key;
    dapp = await startNetworkDapp(
      tempDir('http-fuzz'),
      {
        DAPP_API_KEYS: key.entry,
        // Fully set up: a 503 is then a failure, never a feature left unconfigured.
        DAPP_TRANSIENT_KEY: crypto.randomBytes(32).toString('hex'),
      },
      'fatal',
    );
    base = dapp.base;
    document = (await (await fetch(`${base}/openapi.json`)).json()) as OpenApiDocument;
    ajv.addSchema(closedDocument(document), 'document');
  });

  after(async function () {
    await dapp?.stop();
  });

  it('serves a path of its own for the chaincode, built from its metadata', function () {
    const channel = dapp?.network.topology.options.channel ?? '';
    const path = `/v1/channels/${channel}/chaincodes/${CHAINCODE}/transactions`;
    assert.ok(document.paths[path]?.post, `the served document has ${path}`);
  });

  it('answers every operation within its document: no 5xx, nothing undeclared, nothing valid refused', async function () {
    for (const { path, method, operation } of operations(document)) {
      await fc.assert(
        fc.asyncProperty(requestsFor(document, path, method, operation), async (request) => {
          const response = await fetch(`${base}${request.route}`, {
            method: request.method,
            headers: {
              ...request.headers,
              'x-api-key': apiKey,
              ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            body: request.body === undefined ? undefined : JSON.stringify(request.body),
          });
          const text = await response.text();
          const seen = `${request.method} ${request.route} ${JSON.stringify(request.body)} -> ${response.status} ${text.slice(0, 600)}`;
          assert.ok(response.status < 500, `a 5xx: ${seen}`);
          const declared = operation.responses[String(response.status)];
          assert.ok(declared, `status ${response.status} is not declared: ${seen}`);
          if (!declared.content) return;
          const body = JSON.parse(text) as { error?: { problems?: unknown; chaincode?: unknown } };
          const validate = ajv.getSchema(
            `document#/${pointer('paths', path, method, 'responses', String(response.status), 'content', 'application/json', 'schema')}`,
          );
          assert.ok(validate, 'the response schema compiles');
          assert.ok(
            validate(body),
            `the body does not match its schema (${ajv.errorsText(validate.errors)}): ${seen}`,
          );
          if (request.valid && response.status === 400) {
            assert.ok(body.error?.chaincode, `a request the document admits was refused: ${seen}`);
          }
        }),
        { numRuns: RUNS },
      );
    }
  });
});
