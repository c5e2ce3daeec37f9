// SPDX-License-Identifier: Apache-2.0
// Exact token amounts: decimal strings on the wire, BigInt base units inside.
import { invalidArgument } from './errors';

/** Largest amount any balance, allowance or supply may hold (2^255 - 1). */
export const MAX_AMOUNT = (1n << 255n) - 1n;
export const MAX_DECIMALS = 36;

// Plain decimal notation only: no sign, exponent, hex, whitespace or leading zeros.
const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;
const BASE_UNITS = /^(0|[1-9][0-9]*)$/;
// 2^255 has 77 digits; anything much longer is rejected before BigInt parsing.
const MAX_INPUT_LENGTH = 78 + 1 + MAX_DECIMALS;

export function validateDecimals(decimals: unknown): number {
  if (
    typeof decimals !== 'number' ||
    !Number.isInteger(decimals) ||
    decimals < 0 ||
    decimals > MAX_DECIMALS
  ) {
    throw invalidArgument('decimals', `decimals must be an integer from 0 to ${MAX_DECIMALS}`);
  }
  return decimals;
}

export interface ParseOptions {
  field?: string;
  /** Accept zero (an allowance may be reset to zero; transfers may not be empty). */
  allowZero?: boolean;
}

/** Parses a decimal string such as "12.5" into base units given `decimals`. */
export function parseAmount(text: unknown, decimals: number, options: ParseOptions = {}): bigint {
  const field = options.field ?? 'amount';
  if (typeof text !== 'string' || text.length === 0) {
    throw invalidArgument(field, 'amount must be a non-empty decimal string');
  }
  if (text.length > MAX_INPUT_LENGTH) {
    throw invalidArgument(field, 'amount is too long');
  }
  const match = DECIMAL.exec(text);
  if (!match) {
    throw invalidArgument(
      field,
      'amount must be a plain non-negative decimal number such as "10" or "0.25"',
    );
  }
  const whole = match[1] as string;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > decimals) {
    throw invalidArgument(field, `amount has more than ${decimals} fractional digits`);
  }
  const base = BigInt(whole + fraction.padEnd(decimals, '0'));
  return checkRange(base, field, options.allowZero ?? false);
}

/** Parses a base-unit integer string as stored on the ledger. */
export function parseBaseUnits(text: string, field = 'amount'): bigint {
  if (!BASE_UNITS.test(text) || text.length > MAX_INPUT_LENGTH) {
    throw invalidArgument(field, 'malformed base-unit amount');
  }
  return checkRange(BigInt(text), field, true);
}

function checkRange(value: bigint, field: string, allowZero: boolean): bigint {
  if (value > MAX_AMOUNT) {
    throw invalidArgument(field, 'amount exceeds the maximum of 2^255 - 1 base units');
  }
  if (value === 0n && !allowZero) {
    throw invalidArgument(field, 'amount must be greater than zero');
  }
  return value;
}

/** Formats base units as the shortest decimal string ("12.5", "3", "0.001"). */
export function formatAmount(base: bigint, decimals: number): string {
  if (base < 0n) {
    throw new RangeError('formatAmount: negative amount');
  }
  if (decimals === 0) {
    return base.toString();
  }
  const digits = base.toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, -decimals);
  const fraction = digits.slice(-decimals).replace(/0+$/, '');
  return fraction.length > 0 ? `${whole}.${fraction}` : whole;
}
