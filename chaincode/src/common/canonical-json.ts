// SPDX-License-Identifier: Apache-2.0
// Canonical JSON: object keys sorted by code unit, no whitespace. Every value
// written to the ledger or into an event goes through here so that all
// endorsers produce identical bytes.

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function canonicalStringify(value: unknown): string {
  const out = encode(value, '$');
  if (out === undefined) {
    throw new TypeError('canonicalStringify: top-level value is not representable in JSON');
  }
  return out;
}

export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalStringify(value), 'utf8');
}

function encode(value: unknown, path: string): string | undefined {
  if (value === null) {
    return 'null';
  }
  switch (typeof value) {
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError(`canonicalStringify: non-finite number at ${path}`);
      }
      return JSON.stringify(value);
    case 'bigint':
      // Amounts are stored as decimal strings; a raw bigint is a programming error.
      throw new TypeError(`canonicalStringify: bigint at ${path}`);
    default:
      break;
  }
  if (Array.isArray(value)) {
    const items = value.map((item, index) => encode(item, `${path}[${index}]`) ?? 'null');
    return `[${items.join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const encoded = encode(record[key], `${path}.${key}`);
    if (encoded !== undefined) {
      parts.push(`${JSON.stringify(key)}:${encoded}`);
    }
  }
  return `{${parts.join(',')}}`;
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
