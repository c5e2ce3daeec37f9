// SPDX-License-Identifier: Apache-2.0
// Token amounts: the mirror holds base units (whole numbers); the API shows decimal strings, as
// the chaincode does, using the token's decimals.

const BASE_UNITS = /^(0|[1-9][0-9]*)$/;
const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

export function formatAmount(baseUnits: string, decimals: number): string {
  if (!BASE_UNITS.test(baseUnits)) throw new RangeError(`not base units: ${baseUnits}`);
  if (decimals === 0) return baseUnits;
  const digits = baseUnits.padStart(decimals + 1, '0');
  const whole = digits.slice(0, -decimals);
  const fraction = digits.slice(-decimals).replace(/0+$/, '');
  return fraction.length > 0 ? `${whole}.${fraction}` : whole;
}

/** Base units of a decimal amount, or undefined when it has more fractional digits than allowed. */
export function toBaseUnits(amount: string, decimals: number): string | undefined {
  const match = DECIMAL.exec(amount);
  if (!match) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) return undefined;
  const digits = `${match[1] ?? '0'}${fraction.padEnd(decimals, '0')}`.replace(/^0+(?=\d)/, '');
  return digits;
}
