// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import {
  canonicalBytes,
  canonicalStringify,
  isJsonObject,
} from '../../../src/common/canonical-json';

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    const text = canonicalStringify({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } });
    assert.equal(text, '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('is independent of insertion order', () => {
    assert.equal(canonicalStringify({ x: 1, y: 2 }), canonicalStringify({ y: 2, x: 1 }));
    assert.deepEqual(canonicalBytes({ y: 'é', x: false }), Buffer.from('{"x":false,"y":"é"}'));
  });

  it('treats undefined like JSON.stringify does', () => {
    assert.equal(canonicalStringify({ a: undefined, b: () => 1, c: 2 }), '{"c":2}');
    assert.equal(canonicalStringify([undefined, Symbol('s')]), '[null,null]');
    assert.throws(() => canonicalStringify(undefined), TypeError);
  });

  it('rejects values without an exact JSON form', () => {
    assert.throws(() => canonicalStringify({ n: Number.NaN }), /non-finite number at \$\.n/);
    assert.throws(() => canonicalStringify([Infinity]), /non-finite/);
    assert.throws(() => canonicalStringify({ v: 1n }), /bigint at \$\.v/);
  });

  it('recognises JSON objects', () => {
    assert.equal(isJsonObject({}), true);
    assert.equal(isJsonObject([]), false);
    assert.equal(isJsonObject(null), false);
    assert.equal(isJsonObject('x'), false);
  });
});
