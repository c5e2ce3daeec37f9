// SPDX-License-Identifier: Apache-2.0
// Validation against the REAL contract metadata of the consortium chaincode, produced from its
// compiled dist/ the way the chaincode server answers GetMetadata.
import assert from 'node:assert/strict';

import { ContractCatalog, MetadataCache, ValidationError } from '../../src/fabric/metadata';
import type { ChaincodeMetadata } from '../../src/fabric/metadata';
import { chaincodeMetadata } from '../support/metadata';

const ACCOUNT = 'b'.repeat(64);

function problemsOf(work: () => unknown): { code: string; problems: string[] } {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof ValidationError, String(error));
    return { code: error.code, problems: error.problems };
  }
  assert.fail('expected a ValidationError');
}

describe('contract metadata validation (real chaincode metadata)', function () {
  this.timeout(120_000);
  let catalog: ContractCatalog;

  before(function () {
    catalog = new ContractCatalog(chaincodeMetadata());
  });

  it('knows both contracts, with AssetContract as the default', function () {
    assert.equal(catalog.defaultContract, 'AssetContract');
    const names = catalog.functionNames();
    assert.ok(names.includes('TokenContract:Transfer'));
    assert.ok(names.includes('AssetContract:CreateAsset'));
    assert.ok(!names.some((name) => name.startsWith('org.hyperledger.fabric')));
  });

  it('prepares a transfer as Fabric string arguments', function () {
    const call = catalog.prepare('TokenContract:Transfer', [ACCOUNT, '10.5'], 'submit');
    assert.equal(call.transactionName, 'TokenContract:Transfer');
    assert.deepEqual(call.args, [ACCOUNT, '10.5']);
    assert.ok(call.tags.includes('SUBMIT'));
  });

  it('reads a result as text where the contract returns a string, else as JSON', function () {
    assert.equal(
      catalog.prepare('TokenContract:BalanceOf', [ACCOUNT], 'evaluate').resultFormat,
      'text',
    );
    assert.equal(
      catalog.prepare('TokenContract:GetTokenInfo', [], 'evaluate').resultFormat,
      'json',
    );
  });

  it('resolves a bare name in the default contract and accepts named arguments', function () {
    const call = catalog.prepare(
      'CreateAsset',
      { id: 'a1', type: 'car', ownerId: 'u1', attributesJson: '{"colour":"red"}' },
      'submit',
    );
    assert.equal(call.transactionName, 'AssetContract:CreateAsset');
    assert.deepEqual(call.args, ['a1', 'car', 'u1', '{"colour":"red"}']);
  });

  it('sends numbers and arrays as JSON text when the schema says so', function () {
    const query = catalog.prepare('QueryAssetsByType', ['car', 20, ''], 'evaluate');
    assert.deepEqual(query.args, ['car', '20', '']);
    const rule = catalog.prepare('TokenContract:SetMinterRule', [['Org1MSP'], '', ''], 'submit');
    assert.deepEqual(rule.args, ['["Org1MSP"]', '', '']);
  });

  it('names an unknown function or contract', function () {
    const fn = problemsOf(() => catalog.prepare('TokenContract:Steal', [], 'submit'));
    assert.equal(fn.code, 'UNKNOWN_FUNCTION');
    assert.match(
      fn.problems[0]!,
      /unknown function 'Steal' in contract TokenContract; known functions: .*Transfer/,
    );
    const contract = problemsOf(() => catalog.prepare('Bank:Transfer', [], 'submit'));
    assert.match(contract.problems[0]!, /unknown contract 'Bank'.*AssetContract, TokenContract/);
    const system = problemsOf(() =>
      catalog.prepare('org.hyperledger.fabric:GetMetadata', [], 'evaluate'),
    );
    assert.equal(system.code, 'UNKNOWN_FUNCTION');
  });

  it('names each argument of the wrong type', function () {
    const wrong = problemsOf(() => catalog.prepare('TokenContract:Transfer', [7, true], 'submit'));
    assert.equal(wrong.code, 'INVALID_ARGUMENT');
    assert.equal(wrong.problems.length, 2);
    assert.match(
      wrong.problems[0]!,
      /argument 1 'recipient' of TokenContract:Transfer must be string \(got number\)/,
    );
    assert.match(wrong.problems[1]!, /argument 2 'amount' .* must be string \(got boolean\)/);
    const pageSize = problemsOf(() =>
      catalog.prepare('QueryAssetsByType', ['car', '20', ''], 'evaluate'),
    );
    assert.match(pageSize.problems[0]!, /'pageSize'.*must be number \(got string\)/);
    const items = problemsOf(() =>
      catalog.prepare('TokenContract:SetMinterRule', [[1], '', ''], 'submit'),
    );
    assert.match(items.problems[0]!, /'mspIds'.*\/0 must be string/);
  });

  it('names a wrong argument count, unknown and missing named arguments', function () {
    const count = problemsOf(() => catalog.prepare('TokenContract:Transfer', [ACCOUNT], 'submit'));
    assert.match(
      count.problems[0]!,
      /TokenContract:Transfer\(recipient, amount\) takes 2 argument\(s\), got 1/,
    );
    const named = problemsOf(() =>
      catalog.prepare('TokenContract:Transfer', { recipient: ACCOUNT, value: '1' }, 'submit'),
    );
    assert.deepEqual(named.problems.sort(), [
      "TokenContract:Transfer(recipient, amount) has no parameter 'value'",
      "TokenContract:Transfer(recipient, amount) is missing argument 'amount'",
    ]);
    const shape = problemsOf(() => catalog.prepare('TokenContract:Transfer', 'x', 'submit'));
    assert.match(shape.problems[0]!, /args must be an array or an object/);
  });

  it('sends queries to the queries endpoint', function () {
    const query = problemsOf(() => catalog.prepare('TokenContract:BalanceOf', [ACCOUNT], 'submit'));
    assert.equal(query.code, 'NOT_A_TRANSACTION');
    assert.deepEqual(catalog.prepare('TokenContract:TotalSupply', undefined, 'evaluate').args, []);
  });

  it('resolves $refs to component schemas', function () {
    const metadata: ChaincodeMetadata = {
      contracts: {
        Shop: {
          transactions: [
            {
              name: 'Buy',
              tag: ['SUBMIT'],
              parameters: [{ name: 'order', schema: { $ref: '#/components/schemas/Order' } }],
            },
          ],
        },
      },
      components: {
        schemas: {
          Order: {
            $id: 'Order',
            type: 'object',
            required: ['item'],
            properties: { item: { type: 'string' }, owner: { $ref: 'Owner' } },
          },
          Owner: { $id: 'Owner', type: 'object', properties: { id: { type: 'string' } } },
        },
      },
    };
    const shop = new ContractCatalog(metadata);
    assert.deepEqual(shop.prepare('Buy', [{ item: 'tea', owner: { id: 'u' } }], 'submit').args, [
      '{"item":"tea","owner":{"id":"u"}}',
    ]);
    const bad = problemsOf(() => shop.prepare('Buy', [{ owner: { id: 3 } }], 'submit'));
    assert.match(bad.problems[0]!, /must have required property 'item'/);
    assert.match(bad.problems[0]!, /\/owner\/id must be string/);
  });
});

describe('metadata cache', function () {
  const metadata: ChaincodeMetadata = {
    contracts: { C: { transactions: [{ name: 'F', tag: ['SUBMIT'] }] } },
  };

  it('fetches once per channel and chaincode within the TTL, and again after it', async function () {
    let fetches = 0;
    let now = 0;
    const cache = new MetadataCache(
      async () => {
        fetches += 1;
        return metadata;
      },
      1_000,
      () => now,
    );
    await Promise.all([cache.get('ch', 'cc'), cache.get('ch', 'cc')]);
    assert.equal(fetches, 1);
    await cache.get('ch', 'other');
    assert.equal(fetches, 2);
    now = 1_500;
    await cache.get('ch', 'cc');
    assert.equal(fetches, 3);
  });

  it('does not remember a failed fetch or metadata without contracts', async function () {
    let answers: unknown[] = [new Error('peer down'), { nothing: true }, metadata];
    const cache = new MetadataCache(async () => {
      const next = answers[0];
      answers = answers.slice(1);
      if (next instanceof Error) throw next;
      return next;
    }, 60_000);
    await assert.rejects(cache.get('ch', 'cc'), /peer down/);
    await assert.rejects(cache.get('ch', 'cc'), /metadata without contracts/);
    assert.equal((await cache.get('ch', 'cc')).defaultContract, 'C');
  });
});
