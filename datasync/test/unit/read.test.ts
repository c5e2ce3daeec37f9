// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import {
  containsPattern,
  CursorError,
  decodeCursor,
  encodeCursor,
  escapeKey,
  nextPage,
  storedCompositeKey,
  toPage,
  unescapeKey,
} from '../../src/read';

describe('mirror read layer (no database)', function () {
  it('round-trips a cursor and refuses one for another sort or other filters', function () {
    const cursor = encodeCursor('-updatedAt', ['2026-01-01T00:00:00Z', 'A1'], { ownerId: 'a' });
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeCursor(cursor, '-updatedAt', { ownerId: 'a' }), [
      '2026-01-01T00:00:00Z',
      'A1',
    ]);
    assert.throws(() => decodeCursor(cursor, 'id', { ownerId: 'a' }), /sort '-updatedAt'/);
    assert.throws(() => decodeCursor(cursor, '-updatedAt', { ownerId: 'b' }), /other filters/);
    // undefined filters are the same as absent ones
    assert.deepEqual(decodeCursor(encodeCursor('s', [1], { a: undefined }), 's'), [1]);
    const longKey = `\\0asset\\0${'k'.repeat(4000)}\\0`;
    assert.deepEqual(decodeCursor(encodeCursor('keyset', ['', longKey]), 'keyset'), ['', longKey]);
    for (const bad of ['%%%', 'bm90IGpzb24', 'e30', encodeCursor('s', [])]) {
      assert.throws(() => decodeCursor(bad, 's'), CursorError);
    }
  });

  it('pages both ways with keyset cursors', function () {
    const keyOf = (row: number) => [row];
    const item = (row: number) => `#${row}`;
    const first = toPage([9, 8, 7], 2, { kind: 'first' }, keyOf, item);
    assert.deepEqual(first.items, ['#9', '#8']);
    assert.deepEqual(decodeCursor(first.next!, 'keyset'), [8]);
    assert.equal(first.prev, undefined);
    const before = toPage([5, 6, 7], 2, { kind: 'before', key: [4] }, keyOf, item);
    assert.deepEqual(before.items, ['#6', '#5']);
    assert.deepEqual(decodeCursor(before.prev!, 'keyset'), [6]);
    assert.deepEqual(decodeCursor(before.next!, 'keyset'), [5]);
    const one = nextPage([3, 2, 1], 2, item, (row) => encodeCursor('newest', [row]));
    assert.deepEqual(one.items, ['#3', '#2']);
    assert.deepEqual(decodeCursor(one.nextCursor!, 'newest'), [2]);
    assert.equal(nextPage([3], 2, item, String).nextCursor, null);
  });

  it('stores keys escaped, composite keys included, and searches them literally', function () {
    const key = '\u0000asset\u0000a\\b\u0000';
    assert.equal(escapeKey(key), '\\0asset\\0a\\\\b\\0');
    assert.equal(unescapeKey(escapeKey(key)), key);
    assert.equal(storedCompositeKey('asset', ['a\\b']), escapeKey(key));
    assert.equal(containsPattern('50%_off!'), '%50!%!_off!!%');
  });
});
