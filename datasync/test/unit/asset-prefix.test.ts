// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { nextPrefix } from '../../src/read/assets';

describe('asset id prefixes as a byte-order range', () => {
  it('bounds every string that starts with the prefix, and nothing else', () => {
    assert.equal(nextPrefix('A1'), 'A2');
    assert.equal(nextPrefix('a\u{10ffff}'), 'b');
    assert.equal(nextPrefix('x\u{d7ff}'), 'x\u{e000}');
    assert.equal(nextPrefix('\u{1f600}'), '\u{1f601}');
    assert.equal(nextPrefix(''), undefined);
    assert.equal(nextPrefix('\u{10ffff}'), undefined);
  });
});
