// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import * as contract from '@consortia/chaincode/contract';

import { MIGRATIONS_DIR } from '../../src/store/migrate';

// Applied migrations are never edited, so SQL keeps spelling the chaincode's object types as
// literals; this test holds those literals to the chaincode's own constants.
const migrations = fs
  .readdirSync(MIGRATIONS_DIR)
  .filter((name) => name.endsWith('.sql'))
  .map((name) => ({ name, sql: fs.readFileSync(path.join(MIGRATIONS_DIR, name), 'utf8') }));

function objectTypeLiterals(sql: string): string[] {
  const literals: string[] = [];
  for (const match of sql.matchAll(/object_type\s*(?:=\s*'([^']*)'|IN\s*\(([^)]*)\))/gi)) {
    if (match[1] !== undefined) literals.push(match[1]);
    for (const quoted of (match[2] ?? '').matchAll(/'([^']*)'/g)) literals.push(String(quoted[1]));
  }
  return literals;
}

function viewBody(name: string): string {
  for (const { sql } of migrations) {
    const start = sql.search(new RegExp(`CREATE (?:OR REPLACE )?VIEW ${name}\\b`));
    if (start >= 0) return sql.slice(start, sql.indexOf(';', start));
  }
  assert.fail(`no migration creates view ${name}`);
}

describe('read views against the chaincode contract', function () {
  it('spells only object types the chaincode writes', function () {
    const known = new Set(
      Object.entries(contract)
        .filter(([name]) => name.endsWith('_OBJECT_TYPE'))
        .map(([, value]) => value as string),
    );
    const literals = migrations.flatMap(({ sql }) => objectTypeLiterals(sql));
    assert.ok(literals.length > 0, 'the migrations select by object_type');
    for (const literal of literals)
      assert.ok(known.has(literal), `unknown object type '${literal}'`);
  });

  it('selects assets by their object type and docType', function () {
    const body = viewBody('v_assets');
    assert.deepEqual(objectTypeLiterals(body), [contract.ASSET_OBJECT_TYPE]);
    const docType = /->>\s*'docType'\s*=\s*'([^']*)'/.exec(body)?.[1];
    assert.equal(docType, contract.ASSET_DOC_TYPE);
  });

  it('sums token balances from balance and credit keys', function () {
    const literals = new Set(objectTypeLiterals(viewBody('v_token_balances')));
    assert.deepEqual(
      literals,
      new Set([contract.BALANCE_OBJECT_TYPE, contract.CREDIT_OBJECT_TYPE]),
    );
  });
});
