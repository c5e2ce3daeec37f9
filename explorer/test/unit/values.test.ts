// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { containsPattern, escapeKey, unescapeKey } from '@consortia/datasync/read';

import { keyView, valueView } from '../../src/mirror/views';

describe('keys and values as the mirror stores them', function () {
  it('escapes keys exactly as datasync does, and back', function () {
    const composite = '\u0000asset\u0000A1\u0000';
    assert.equal(escapeKey(composite), '\\0asset\\0A1\\0');
    assert.equal(escapeKey('a\\0b'), 'a\\\\0b');
    for (const key of [composite, 'a\\0b', 'plain', '\\\\\u0000']) {
      assert.equal(unescapeKey(escapeKey(key)), key);
    }
  });

  it('makes LIKE patterns that take wildcards literally', function () {
    assert.equal(containsPattern('50%_off!'), '%50!%!_off!!%');
  });

  it('splits composite keys into type and attributes', function () {
    assert.deepEqual(keyView('k', null, null), { raw: 'k' });
    assert.deepEqual(keyView('\\0asset\\0A1\\0', 'asset', ['A1']), {
      raw: '\\0asset\\0A1\\0',
      objectType: 'asset',
      attributes: ['A1'],
    });
    assert.deepEqual(keyView('x', 'asset', 'not an array').attributes, []);
  });

  it('shows JSON, text or base64, and says when a value is cut', function () {
    assert.deepEqual(valueView(Buffer.from('{"a":1}'), { a: 1 }), { size: 7, json: { a: 1 } });
    assert.deepEqual(valueView(Buffer.from('700'), null), { size: 3, text: '700' });
    assert.deepEqual(valueView(Buffer.from([0, 1, 2]), null), { size: 3, base64: 'AAEC' });
    assert.deepEqual(valueView(Buffer.from('abcdef'), null, 6, 3), {
      size: 6,
      text: 'abc',
      truncated: true,
    });
    // JSON larger than the limit is shown as cut text, not as a document
    assert.deepEqual(valueView(Buffer.from('{"a":1}'), { a: 1 }, 7, 4), {
      size: 7,
      text: '{"a"',
      truncated: true,
    });
    // a multi-byte character cut at the limit is not mistaken for binary
    assert.deepEqual(valueView(Buffer.from('aé'), null, 3, 2), {
      size: 3,
      text: 'a',
      truncated: true,
    });
    assert.deepEqual(valueView(null, null), { size: 0, text: '' });
  });
});
