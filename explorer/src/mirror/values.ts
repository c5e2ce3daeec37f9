import type { KeyView, ValueView } from '../http/api-types';

/** Reverses datasync's key escaping (backslash doubled, U+0000 written as `\0`). */
export function unescapeKey(stored: string): string {
  return stored.replace(/\\(\\|0)/g, (_match, escaped: string) =>
    escaped === '0' ? '\u0000' : '\\',
  );
}

/** Escapes typed text the way datasync stores keys, so it can be compared with stored keys. */
export function escapeKey(key: string): string {
  return key.replace(/\\/g, '\\\\').replaceAll('\u0000', '\\0');
}

/** A LIKE pattern matching `text` anywhere, with `!` as the escape character. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (character) => `!${character}`)}%`;
}

export function keyView(raw: string, objectType: string | null, attributes: unknown): KeyView {
  if (objectType === null) return { raw };
  return {
    raw,
    objectType,
    attributes: Array.isArray(attributes) ? attributes.map((item) => String(item)) : [],
  };
}

// Control characters other than tab, line feed and carriage return mark binary data.
// eslint-disable-next-line no-control-regex
const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;

/**
 * Shows a stored value the most readable way: its JSON document when datasync parsed one, its
 * text when it is printable UTF-8, otherwise base64. Anything beyond `limit` bytes is cut.
 */
export function valueView(
  bytes: Buffer | null,
  json: unknown,
  size: number = bytes?.length ?? 0,
  limit = Number.POSITIVE_INFINITY,
): ValueView {
  if (json !== null && json !== undefined && size <= limit) return { size, json };
  const shown = bytes ? bytes.subarray(0, Math.min(bytes.length, limit)) : Buffer.alloc(0);
  const truncated = size > shown.length ? { truncated: true } : {};
  const text = shown.toString('utf8');
  // a multi-byte character cut in half at the limit is not a sign of binary data
  const whole = truncated.truncated ? text.replace(/\ufffd+$/, '') : text;
  if (!BINARY.test(whole)) return { size, text: whole, ...truncated };
  return { size, base64: shown.toString('base64'), ...truncated };
}
