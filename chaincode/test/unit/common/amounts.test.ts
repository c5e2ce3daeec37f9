// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import {
  MAX_AMOUNT,
  formatAmount,
  parseAmount,
  parseBaseUnits,
  validateDecimals,
} from '../../../src/common/amounts';
import { ChaincodeError } from '../../../src/common/errors';

function invalid(fn: () => unknown, pattern?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ChaincodeError);
    assert.equal(error.code, 'INVALID_ARGUMENT');
    if (pattern) {
      assert.match(error.detail, pattern);
    }
    return true;
  });
}

describe('amounts', () => {
  describe('parseAmount', () => {
    it('converts decimal strings into base units exactly', () => {
      assert.equal(parseAmount('1', 2), 100n);
      assert.equal(parseAmount('12.34', 2), 1234n);
      assert.equal(parseAmount('0.01', 2), 1n);
      assert.equal(parseAmount('0.1', 18), 100_000_000_000_000_000n);
      assert.equal(parseAmount('7', 0), 7n);
      // 0.1 + 0.2 is exact in base units.
      assert.equal(parseAmount('0.1', 18) + parseAmount('0.2', 18), parseAmount('0.3', 18));
    });

    it('ignores trailing fractional zeros beyond the decimals', () => {
      assert.equal(parseAmount('1.500', 1), 15n);
      assert.equal(parseAmount('2.0', 0), 2n);
    });

    it('rejects too many significant fractional digits', () => {
      invalid(() => parseAmount('0.001', 2), /more than 2 fractional digits/);
      invalid(() => parseAmount('1.5', 0), /more than 0/);
    });

    for (const text of [
      '1e3',
      '0x10',
      ' 1',
      '1 ',
      '-1',
      '+1',
      '01',
      '.5',
      '1.',
      '1,5',
      'NaN',
      'Infinity',
      '١',
    ]) {
      it(`rejects the malformed amount ${JSON.stringify(text)}`, () => {
        invalid(() => parseAmount(text, 6), /plain non-negative decimal/);
      });
    }

    it('rejects non-strings, empty and oversized input', () => {
      invalid(() => parseAmount(5, 2), /non-empty decimal string/);
      invalid(() => parseAmount('', 2), /non-empty/);
      invalid(() => parseAmount('9'.repeat(200), 2), /too long/);
    });

    it('rejects zero unless allowed', () => {
      invalid(() => parseAmount('0', 2), /greater than zero/);
      invalid(() => parseAmount('0.00', 2), /greater than zero/);
      assert.equal(parseAmount('0', 2, { allowZero: true }), 0n);
    });

    it('accepts 2^255 - 1 base units and rejects one more', () => {
      assert.equal(parseAmount(MAX_AMOUNT.toString(), 0), MAX_AMOUNT);
      invalid(() => parseAmount((MAX_AMOUNT + 1n).toString(), 0), /2\^255 - 1/);
      // The same limit applies after scaling by the decimals.
      invalid(() => parseAmount((MAX_AMOUNT / 10n + 1n).toString(), 1), /2\^255 - 1/);
    });

    it('reports the field it was given', () => {
      assert.throws(
        () => parseAmount('x', 2, { field: 'cap' }),
        (error: unknown) => error instanceof ChaincodeError && error.field === 'cap',
      );
    });
  });

  describe('parseBaseUnits', () => {
    it('parses stored integers', () => {
      assert.equal(parseBaseUnits('0'), 0n);
      assert.equal(parseBaseUnits('123'), 123n);
    });

    it('rejects anything else', () => {
      invalid(() => parseBaseUnits('1.5'), /malformed/);
      invalid(() => parseBaseUnits('-1'), /malformed/);
      invalid(() => parseBaseUnits((MAX_AMOUNT + 1n).toString()), /2\^255 - 1/);
    });
  });

  describe('formatAmount', () => {
    it('prints the shortest exact decimal', () => {
      assert.equal(formatAmount(1234n, 2), '12.34');
      assert.equal(formatAmount(1200n, 2), '12');
      assert.equal(formatAmount(1n, 3), '0.001');
      assert.equal(formatAmount(0n, 6), '0');
      assert.equal(formatAmount(42n, 0), '42');
    });

    it('round-trips through parseAmount', () => {
      for (const text of ['1', '0.5', '123456789.123456789', MAX_AMOUNT.toString()]) {
        const decimals = text.includes('.') ? 9 : 0;
        assert.equal(formatAmount(parseAmount(text, decimals), decimals), text);
      }
    });

    it('refuses negative amounts', () => {
      assert.throws(() => formatAmount(-1n, 2), RangeError);
    });
  });

  describe('validateDecimals', () => {
    it('accepts integers from 0 to 36', () => {
      assert.equal(validateDecimals(0), 0);
      assert.equal(validateDecimals(36), 36);
    });

    for (const value of [-1, 37, 1.5, Number.NaN, '2']) {
      it(`rejects ${String(value)}`, () => {
        invalid(() => validateDecimals(value), /integer from 0 to 36/);
      });
    }
  });
});
