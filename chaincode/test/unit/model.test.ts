// SPDX-License-Identifier: Apache-2.0
// The model classes only carry contract metadata; check what they register
// (explicit @Property names and types, so this holds without emitted design types).
import assert from 'node:assert/strict';
import 'reflect-metadata';
import { AssetContract, TokenContract, contracts } from '../../src/index';
import {
  Asset,
  AssetHistoryEntry,
  AssetHistoryPage,
  AssetOwner,
  AssetPage,
  AssetPrivateDetails,
} from '../../src/model/asset';
import { MinterRule, PendingCredit, PendingCreditPage, TokenInfo } from '../../src/model/token';

type Properties = Record<string, { type?: string; $ref?: string; items?: unknown }>;

function properties(type: new () => object): Properties {
  // Instantiating also exercises the field initialisers the metadata sits on.
  assert.ok(new type());
  return Reflect.getMetadata('fabric:object-properties', type.prototype as object) as Properties;
}

describe('model metadata', () => {
  it('exports the contracts, AssetContract first as the default', () => {
    assert.deepEqual(contracts, [AssetContract, TokenContract]);
  });

  it('registers asset types', () => {
    assert.deepEqual(properties(AssetOwner), {
      mspId: { type: 'string' },
      ownerId: { type: 'string' },
    });
    const asset = properties(Asset);
    assert.deepEqual(asset.owner, { $ref: 'AssetOwner' });
    assert.deepEqual(asset.attributes, { type: 'object' });
    assert.deepEqual(properties(AssetPage).records, { type: 'array', items: { $ref: 'Asset' } });
    assert.deepEqual(properties(AssetHistoryEntry).asset, { $ref: 'Asset' });
    assert.deepEqual(properties(AssetHistoryPage).records, {
      type: 'array',
      items: { $ref: 'AssetHistoryEntry' },
    });
    assert.deepEqual(properties(AssetPrivateDetails).details, { type: 'object' });
  });

  it('registers token types', () => {
    assert.deepEqual(properties(MinterRule).mspIds, { type: 'array', items: { type: 'string' } });
    const info = properties(TokenInfo);
    assert.deepEqual(info.decimals, { type: 'number' });
    assert.deepEqual(info.minterRule, { $ref: 'MinterRule' });
    assert.deepEqual(properties(PendingCredit).amount, { type: 'string' });
    assert.deepEqual(properties(PendingCreditPage).records, {
      type: 'array',
      items: { $ref: 'PendingCredit' },
    });
  });

  it('lists every object type for the metadata', () => {
    const objects = Reflect.getMetadata('fabric:objects', global) as Record<string, unknown>;
    for (const name of [
      'Asset',
      'AssetOwner',
      'AssetPage',
      'AssetHistoryEntry',
      'AssetHistoryPage',
      'AssetPrivateDetails',
      'MinterRule',
      'PendingCredit',
      'PendingCreditPage',
      'TokenInfo',
    ]) {
      assert.ok(objects[name], name);
    }
  });
});
