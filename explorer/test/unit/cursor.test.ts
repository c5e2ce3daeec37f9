// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { z } from 'zod';

import {
  CursorError,
  decodeCursor,
  direction,
  encodeCursor,
  toPage,
} from '../../src/mirror/cursor';

const key = z.tuple([z.number().int().min(0), z.number().int().min(0)]);

describe('keyset cursors', function () {
  it('round-trips a sort key through an opaque cursor', function () {
    const cursor = encodeCursor([12, 3]);
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeCursor(cursor, key), [12, 3]);
  });

  it('refuses cursors that are not base64url JSON of the right shape', function () {
    for (const bad of ['%%%', encodeCursor(['a', 1]), encodeCursor([-1, 0]), 'e30']) {
      assert.throws(() => decodeCursor(bad, key), CursorError);
    }
    assert.match(new CursorError().message, /next\/previous links/);
  });

  it('reads the direction from after/before', function () {
    assert.deepEqual(direction({}, key), { kind: 'first' });
    assert.deepEqual(direction({ after: encodeCursor([1, 2]) }, key), {
      kind: 'after',
      key: [1, 2],
    });
    assert.deepEqual(direction({ before: encodeCursor([3, 4]) }, key), {
      kind: 'before',
      key: [3, 4],
    });
  });

  describe('toPage', function () {
    const keyOf = (row: number) => [row];
    const item = (row: number) => `#${row}`;

    it('first page: a next cursor only when more rows exist', function () {
      const page = toPage([9, 8, 7], 2, { kind: 'first' }, keyOf, item);
      assert.deepEqual(page.items, ['#9', '#8']);
      assert.deepEqual(decodeCursor(page.next!, z.tuple([z.number()])), [8]);
      assert.equal(page.prev, undefined);
      assert.deepEqual(toPage([9], 2, { kind: 'first' }, keyOf, item), { items: ['#9'] });
    });

    it('after a cursor: a prev cursor to the first row', function () {
      const page = toPage([6, 5], 2, { kind: 'after', key: [7] }, keyOf, item);
      assert.deepEqual(page.items, ['#6', '#5']);
      assert.equal(page.next, undefined);
      assert.deepEqual(decodeCursor(page.prev!, z.tuple([z.number()])), [6]);
    });

    it('before a cursor: rows fetched in reverse come back in list order', function () {
      const page = toPage([6, 7, 8], 2, { kind: 'before', key: [5] }, keyOf, item);
      assert.deepEqual(page.items, ['#7', '#6']);
      assert.deepEqual(decodeCursor(page.prev!, z.tuple([z.number()])), [7]);
      assert.deepEqual(decodeCursor(page.next!, z.tuple([z.number()])), [6]);
    });

    it('asks, not assumes, whether rows lie beyond the cursor', function () {
      const page = toPage([6], 2, { kind: 'after', key: [7] }, keyOf, item, false);
      assert.equal(page.prev, undefined);
    });
  });
});
