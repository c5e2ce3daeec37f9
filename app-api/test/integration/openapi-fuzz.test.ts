// SPDX-License-Identifier: Apache-2.0
// Property-based: every operation of the app-api's OpenAPI document is called with requests
// drawn from its own schemas (and some drawn from nothing at all) on the real stack without
// Fabric (real Postgres, the real datasync mirror, a DAPP stand-in). No answer may be a 5xx,
// use a status the operation does not declare, or carry a body its schema does not admit.
import assert from 'node:assert/strict';

import { ReplayBlockSource } from '@consortia/datasync/testing';
import Ajv from 'ajv';
import fc from 'fast-check';

import { openApiDocument, operations } from '../../src/http/openapi';
import { closedDocument } from '../../src/http/responses';
import { requestsFor } from '../support/fuzz-requests';
import { sampleLedger } from '../support/ledger';
import type { LoggedIn, MirroredApi, TestApi } from '../support/stack';
import { call, login, startMirroredApi, TEST_ADMIN } from '../support/stack';
import type { StubDapp } from '../support/stub-dapp';
import { startStubDapp } from '../support/stub-dapp';

const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
/** A mirror wait as long as the document allows (60 s) would make each run a minute long. */
const WAIT_BOUND = { type: 'integer', minimum: 0, maximum: 200 };

const pointer = (...parts: string[]) =>
  parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

describe('every documented operation, fuzzed from its own schemas', function () {
  this.timeout(600_000);
  let stack: MirroredApi;
  let dapp: StubDapp;
  let api: TestApi;
  let admin: LoggedIn;
  const ledger = sampleLedger();
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(closedDocument(openApiDocument), 'document');

  before(async function () {
    dapp = await startStubDapp(() => ledger.lastBlock);
    stack = await startMirroredApi('fuzz', new ReplayBlockSource(ledger.blocks), {
      overrides: {
        DAPP_URL: dapp.url,
        APP_API_WAIT_TIMEOUT_MS: '200',
        APP_API_LOCKOUT_THRESHOLD: '1000000',
        RATE_LIMIT_PER_IP: '1000000',
        RATE_LIMIT_PER_USER: '1000000',
        RATE_LIMIT_LOGIN_PER_IP: '1000000',
      },
      syncedBlock: ledger.lastBlock,
    });
    ({ api } = stack);
    admin = await login(api.base, TEST_ADMIN.username, TEST_ADMIN.password);
  });

  after(async function () {
    await stack?.stop();
    await dapp?.stop();
  });

  for (const { path, method, operation } of operations()) {
    it(`${operation.operationId} (${method.toUpperCase()} ${path}): no 5xx, every answer declared and within its schema`, async function () {
      const bounded = structuredClone(operation);
      for (const parameter of bounded.parameters ?? []) {
        if (parameter.name === 'waitTimeoutMs') parameter.schema = WAIT_BOUND;
        // A block the ledger does not have yet is answered 504 MIRROR_BEHIND on purpose (a
        // declared answer, checked by the suite over the real stack); here the mirror is current.
        if (parameter.name === 'minBlock') {
          parameter.schema = { type: 'integer', minimum: 0, maximum: ledger.lastBlock };
        }
      }
      await fc.assert(
        fc.asyncProperty(requestsFor(openApiDocument, path, method, bounded), async (request) => {
          const answer = await call(api.base, request.method, request.route, {
            token: admin.accessToken,
            headers: request.headers,
            body: request.body,
          });
          const seen = `${request.method} ${request.route} ${JSON.stringify(request.body)} → ${answer.status} ${JSON.stringify(answer.body)}`;
          // A value drawn as "invalid" can still be a valid block beyond the ledger, which is
          // answered 504 MIRROR_BEHIND on purpose after the wait.
          const asked = new URL(request.route, 'http://fuzz').searchParams.get('minBlock');
          // (an integer may be written as 1e+21, as the query coerces it)
          const beyondLedger =
            asked !== null && Number.isInteger(Number(asked)) && Number(asked) > ledger.lastBlock;
          const mirrorBehind =
            answer.status === 504 && JSON.stringify(answer.body).includes('MIRROR_BEHIND');
          assert.ok(answer.status < 500 || (beyondLedger && mirrorBehind), `a 5xx: ${seen}`);
          const declared = operation.responses[String(answer.status)];
          assert.ok(declared, `status ${answer.status} is not declared: ${seen}`);
          if (!declared.content) return;
          const validate = ajv.getSchema(
            `document#/${pointer('paths', path, method, 'responses', String(answer.status), 'content', 'application/json', 'schema')}`,
          );
          assert.ok(validate, 'the response schema compiles');
          assert.ok(
            validate(answer.body),
            `the body does not match its schema (${ajv.errorsText(validate.errors)}): ${seen}`,
          );
        }),
        { numRuns: RUNS },
      );
    });
  }
});
