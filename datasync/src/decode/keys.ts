// SPDX-License-Identifier: Apache-2.0
/**
 * Postgres text cannot hold U+0000, which every composite key contains. Keys are stored
 * escaped (backslash doubled, U+0000 as `\0`), which is lossless and keeps them readable.
 */
export function escapeKey(key: string): string {
  return key.replace(/\\/g, '\\\\').replaceAll('\u0000', '\\0');
}

export function unescapeKey(stored: string): string {
  return stored.replace(/\\(\\|0)/g, (_match, escaped: string) =>
    escaped === '0' ? '\u0000' : '\\',
  );
}

export interface CompositeKey {
  objectType: string;
  attributes: string[];
}

/** Splits a Fabric composite key (U+0000 type U+0000 attr U+0000 ...); undefined for simple keys. */
export function parseCompositeKey(key: string): CompositeKey | undefined {
  if (!key.startsWith('\u0000') || !key.endsWith('\u0000') || key.length < 2) return undefined;
  const [objectType, ...attributes] = key.slice(1, -1).split('\u0000');
  if (objectType === undefined) return undefined;
  return { objectType, attributes };
}

/** A JSON object or array as text Postgres jsonb accepts; undefined otherwise. */
export function jsonDocument(value: Buffer | null): string | undefined {
  if (!value || value.length === 0) return undefined;
  const first = value[0];
  if (first !== 0x7b && first !== 0x5b) return undefined;
  const text = value.toString('utf8');
  // jsonb rejects the NUL character even when escaped
  if (text.includes('\\u0000')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? text : undefined;
  } catch {
    return undefined;
  }
}
