// SPDX-License-Identifier: Apache-2.0
// The generated OpenAPI document: what every operation must declare, and that it is generated
// from the schemas the routes read their input with.
import assert from 'node:assert/strict';

import { NewAsset } from '../../src/http/api/assets';
import { isPublic, openApiDocument, operations } from '../../src/http/openapi';

describe('the generated OpenAPI document', function () {
  it('declares on every operation the answers the middleware can give it', function () {
    for (const { operation } of operations()) {
      const statuses = Object.keys(operation.responses);
      const expected = ['400', '413', '415', '429', '500'];
      if (!isPublic(operation)) expected.push('401', '403');
      for (const status of expected) {
        assert.ok(statuses.includes(status), `${operation.operationId} does not declare ${status}`);
      }
      assert.ok(
        statuses.some((status) => status.startsWith('2')),
        `${operation.operationId} declares no success`,
      );
    }
  });

  it('describes every refusal with the one error envelope', function () {
    for (const { operation } of operations()) {
      for (const [status, answer] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        const content = answer.content as Record<string, { schema: unknown }>;
        assert.deepEqual(
          content['application/json']?.schema,
          { $ref: '#/components/schemas/Error' },
          `${operation.operationId} ${status}`,
        );
      }
    }
  });

  it('declares the answers that depend on the route: lock-out, the DAPP, a mirror wait', function () {
    const byId = new Map(operations().map((entry) => [entry.operation.operationId, entry]));
    const declares = (id: string, status: string) =>
      Object.keys(byId.get(id)?.operation.responses ?? {}).includes(status);
    assert.ok(declares('login', '423'));
    assert.ok(!declares('getMe', '423'));
    for (const id of ['createAsset', 'transferTokens', 'getRequest', 'getMyAccount']) {
      for (const status of ['502', '503', '504'])
        assert.ok(declares(id, status), `${id} ${status}`);
    }
    assert.ok(declares('listAssets', '504'));
    assert.ok(!declares('listUsers', '504'));
  });

  it('takes request bodies from the zod schemas the routes use', function () {
    const schema = openApiDocument.components.schemas.NewAsset;
    assert.deepEqual(schema?.required, ['id', 'type', 'attributes']);
    assert.equal(schema?.additionalProperties, false);
    assert.deepEqual(
      Object.keys(schema?.properties as object).sort(),
      Object.keys(NewAsset.shape).sort(),
    );
  });
});
