// SPDX-License-Identifier: Apache-2.0
// The DAPP's OpenAPI document, generated from the zod schemas of src/http/api/: every operation
// declares what it can answer, each served chaincode's requests are generated from its metadata
// (and every request drawn from them is one the DAPP accepts), and an answer that does not match
// its schema is withheld.
import assert from 'node:assert/strict';

import { ApiError } from '@consortia/common';
import { valueOf } from '@consortia/common/testing';
import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';

import { ContractCatalog, ValidationError } from '../../src/fabric/metadata';
import { errorAnswer } from '../../src/http/errors';
import { servedDocument, withContracts } from '../../src/http/api/contracts';
import { BodyValidator, openApiDocument, operations } from '../../src/http/openapi';
import { answerProblems, checkedAnswers } from '../../src/http/responses';
import { chaincodeMetadata } from '../support/metadata';

const TRANSACTIONS = '/v1/channels/consortium/chaincodes/consortia/transactions';
const QUERIES = '/v1/channels/consortium/chaincodes/consortia/queries';

describe('the DAPP document', function () {
  this.timeout(60_000);
  const catalog = new ContractCatalog(chaincodeMetadata());
  const served = withContracts(openApiDocument, [
    { channel: 'consortium', chaincode: 'consortia', catalog },
  ]);

  it('declares on every /v1 operation the answers any request can get', function () {
    for (const { path, operation } of operations()) {
      if (!path.startsWith('/v1/')) continue;
      for (const status of ['400', '401', '413', '415', '429', '500']) {
        assert.ok(operation.responses[status], `${path} declares ${status}`);
      }
      assert.ok(operation.responses['429']?.headers, `${path} declares Retry-After`);
    }
    const submit =
      openApiDocument.paths['/v1/channels/{channel}/chaincodes/{chaincode}/transactions']?.post;
    assert.deepEqual(Object.keys(submit?.responses ?? {}).sort(), [
      '200',
      '202',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '415',
      '422',
      '429',
      '500',
      '502',
      '503',
      '504',
    ]);
  });

  it('adds a path per served chaincode whose functions and parameters come from its metadata', function () {
    const body = served.paths[TRANSACTIONS]?.post?.requestBody as {
      content: { 'application/json': { schema: { $ref: string } } };
    };
    const name = body.content['application/json'].schema.$ref.split('/').pop() ?? '';
    const branches = served.components.schemas[name]?.oneOf as {
      title: string;
      properties: { function: { enum: string[] } };
    }[];
    const titles = branches.map((branch) => branch.title);
    assert.ok(titles.includes('TokenContract:Transfer'));
    // Read-only functions are only queries.
    assert.ok(!titles.includes('TokenContract:BalanceOf'));
    const queries = served.paths[QUERIES]?.post?.requestBody as typeof body;
    const queryName = queries.content['application/json'].schema.$ref.split('/').pop() ?? '';
    assert.ok(
      (served.components.schemas[queryName]?.oneOf as { title: string }[]).some(
        (branch) => branch.title === 'TokenContract:BalanceOf',
      ),
    );
    assert.equal(
      served.paths[TRANSACTIONS]?.post?.parameters?.some((parameter) => parameter.in === 'path'),
      false,
    );
    // The document is valid JSON Schema 2020-12 throughout.
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema(served, 'served.json');
    assert.ok(ajv.getSchema(`served.json#/components/schemas/${name}`));
  });

  it('every request its schemas admit is accepted by the DAPP (property-based)', function () {
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema(served, 'served.json');
    const bodies = new BodyValidator();
    for (const [path, purpose, envelope] of [
      [TRANSACTIONS, 'submit', 'TransactionRequest'],
      [QUERIES, 'evaluate', 'QueryRequest'],
    ] as const) {
      const schema = (
        served.paths[path]?.post?.requestBody as {
          content: { 'application/json': { schema: Record<string, unknown> } };
        }
      ).content['application/json'].schema;
      const validate = ajv.compile({ $ref: `served.json${String(schema.$ref)}` });
      fc.assert(
        fc.property(valueOf(served, schema), (request) => {
          assert.ok(validate(request), `drawn from the schema: ${JSON.stringify(request)}`);
          assert.deepEqual(bodies.problems(envelope, request), []);
          const { function: name, args } = request as { function: string; args?: unknown };
          try {
            catalog.prepare(name, args, purpose);
          } catch (error) {
            if (error instanceof ValidationError) {
              assert.fail(`refused ${JSON.stringify(request)}: ${error.problems.join('; ')}`);
            }
            throw error;
          }
        }),
        { numRuns: 300 },
      );
    }
  });

  it('serves the templated document alone for a chaincode whose metadata cannot be read', async function () {
    const unreadable: string[] = [];
    const document = await servedDocument(
      openApiDocument,
      {
        channels: ['consortium'],
        chaincodes: ['consortia'],
        catalogs: { get: () => Promise.reject(new Error('peer down')) },
      },
      (channel, chaincode) => unreadable.push(`${channel}/${chaincode}`),
    );
    assert.deepEqual(unreadable, ['consortium/consortia']);
    assert.deepEqual(Object.keys(document.paths).sort(), Object.keys(openApiDocument.paths).sort());
  });
});

describe('successful answers against the document', function () {
  const record = {
    requestId: 'order-1',
    mode: 'sync',
    status: 'committed',
    channel: 'consortium',
    chaincode: 'consortia',
    function: 'TokenContract:Transfer',
    identity: 'default',
    partitionKey: 'alpha:order-1',
    correlationId: 'c-1',
    txId: 'a'.repeat(64),
    validationCode: 'VALID',
    blockNumber: 12,
    result: { any: 'json' },
    attempts: 1,
    attemptTxIds: ['a'.repeat(64)],
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:01.000Z',
  } as const;

  it('admits every declared field and refuses an undeclared one', function () {
    assert.equal(answerProblems('RequestStatus', record), undefined);
    assert.match(
      answerProblems('RequestStatus', { ...record, requestHash: 'x' }) ?? '',
      /must NOT have additional properties/,
    );
    assert.match(answerProblems('QueryResult', { result: 1, extra: true }) ?? '', /additional/);
    assert.equal(answerProblems('QueryResult', {}), undefined);
  });

  it('withholds a mismatching answer: 500 RESPONSE_INVALID, and logs why', function () {
    const logged: unknown[] = [];
    const logger = { error: (fields: unknown) => logged.push(fields) } as never;
    const send = checkedAnswers(logger);
    const sent: unknown[] = [];
    const response = {
      status: () => ({ json: (body: unknown) => sent.push(body) }),
    } as never;
    assert.throws(
      () =>
        send(response, 200, 'TransactionStatus', {
          channel: 'c',
          txId: 't',
          validationCode: 'VALID',
          valid: true,
          blockNumber: -1,
        }),
      (error: unknown) =>
        error instanceof ApiError && error.status === 500 && error.code === 'RESPONSE_INVALID',
    );
    assert.equal(sent.length, 0);
    assert.equal(logged.length, 1);
    send(response, 200, 'QueryResult', { result: 'ok' });
    assert.deepEqual(sent, [{ result: 'ok' }]);
  });
});

describe('the body parser’s refusals', function () {
  // A charset other than UTF-8 used to be answered 500 INTERNAL.
  it('answers a body that is not UTF-8 JSON 415, as the document declares', function () {
    for (const type of ['charset.unsupported', 'encoding.unsupported']) {
      const answer = errorAnswer(Object.assign(new Error('x'), { type }));
      assert.equal(answer.status, 415);
      assert.equal(answer.body.error.code, 'UNSUPPORTED_ENCODING');
    }
    for (const { operation } of operations()) {
      if (operation.operationId.startsWith('get') || operation.operationId.endsWith('Query')) {
        assert.ok(operation.responses['415']);
      }
    }
  });
});
