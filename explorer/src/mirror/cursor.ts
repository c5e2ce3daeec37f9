import type { z } from 'zod';

/**
 * Keyset pagination: a cursor is the sort key of the row a page ends at, as base64url JSON.
 * Pages never use OFFSET, so reading page 10,000 costs what page 1 does.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export class CursorError extends Error {
  constructor() {
    super('the page cursor is not valid (follow the next/previous links the API returns)');
    this.name = 'CursorError';
  }
}

export function decodeCursor<Schema extends z.ZodType>(
  cursor: string,
  schema: Schema,
): z.infer<Schema> {
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // not base64url JSON
  }
  throw new CursorError();
}

/** Which way a request pages: the first page, the rows after a cursor, or those before it. */
export type Direction<Key> =
  { kind: 'first' } | { kind: 'after'; key: Key } | { kind: 'before'; key: Key };

export function direction<Schema extends z.ZodType>(
  query: { after?: string; before?: string },
  schema: Schema,
): Direction<z.infer<Schema>> {
  if (query.after) return { kind: 'after', key: decodeCursor(query.after, schema) };
  if (query.before) return { kind: 'before', key: decodeCursor(query.before, schema) };
  return { kind: 'first' };
}

/**
 * Turns `limit + 1` rows fetched in the direction of travel into a page in list order, with
 * cursors for the neighbouring pages. `before` pages are fetched in reverse and flipped here.
 * `hasOtherSide` says whether rows exist on the far side of the cursor.
 */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  travel: Direction<unknown>,
  keyOf: (row: Row) => (string | number)[],
  toItem: (row: Row) => Item,
  hasOtherSide = travel.kind !== 'first',
): { items: Item[]; next?: string; prev?: string } {
  const more = rows.length > limit;
  const kept = rows.slice(0, limit);
  const ordered = travel.kind === 'before' ? kept.reverse() : kept;
  const first = ordered[0];
  const last = ordered[ordered.length - 1];
  const hasNext = travel.kind === 'before' ? hasOtherSide : more;
  const hasPrev = travel.kind === 'before' ? more : hasOtherSide;
  return {
    items: ordered.map(toItem),
    ...(hasNext && last ? { next: encodeCursor(keyOf(last)) } : {}),
    ...(hasPrev && first ? { prev: encodeCursor(keyOf(first)) } : {}),
  };
}
