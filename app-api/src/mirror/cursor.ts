import crypto from 'node:crypto';

import { z } from 'zod';

/**
 * Keyset pagination cursors: opaque base64url JSON naming the sort, the last row's sort values,
 * and a digest of the filters, so a cursor is refused if the query around it changed.
 */
export class CursorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CursorError';
  }
}

const cursorShape = z.object({
  s: z.string().max(32),
  v: z.array(z.string().max(512)).min(1).max(3),
  f: z.string().max(64),
});

export type Filters = Record<string, unknown>;

/** Stable digest of the filters (keys sorted, undefined dropped). */
export function filterDigest(filters: Filters): string {
  const entries = Object.entries(filters)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return crypto
    .createHash('sha256')
    .update(JSON.stringify(entries))
    .digest('base64url')
    .slice(0, 16);
}

export function encodeCursor(sort: string, values: string[], filters: Filters): string {
  return Buffer.from(JSON.stringify({ s: sort, v: values, f: filterDigest(filters) })).toString(
    'base64url',
  );
}

/** The sort values to continue after; throws CursorError when it does not fit this query. */
export function decodeCursor(
  cursor: string,
  sort: string,
  filters: Filters,
  width: number,
): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('the cursor is not one this API issued');
  }
  const result = cursorShape.safeParse(parsed);
  if (!result.success || result.data.v.length !== width) {
    throw new CursorError('the cursor is not one this API issued');
  }
  if (result.data.s !== sort) {
    throw new CursorError(`the cursor belongs to sort '${result.data.s}', not '${sort}'`);
  }
  if (result.data.f !== filterDigest(filters)) {
    throw new CursorError('the cursor belongs to a query with other filters');
  }
  return result.data.v;
}
