// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';

import { z } from 'zod';

/**
 * Keyset pagination cursors, one format for every reader of the mirror: opaque base64url JSON
 * naming the sort, the sort key of the row a page ends at, and a digest of the filters, so a
 * cursor is refused when the query around it changed. Pages never use OFFSET.
 */
export class CursorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CursorError';
  }
}

export type CursorValue = string | number;

/** The longest sort value a cursor carries (a world-state key, escaped). */
export const MAX_VALUE_LENGTH = 16_384;
export type Filters = Record<string, unknown>;

const cursorShape = z.object({
  s: z.string().max(32),
  // world-state keys are long enough to need more than a short text limit
  v: z
    .array(z.union([z.string().max(MAX_VALUE_LENGTH), z.number()]))
    .min(1)
    .max(3),
  f: z.string().max(64),
});

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

export function encodeCursor(
  sort: string,
  key: readonly CursorValue[],
  filters: Filters = {},
): string {
  return Buffer.from(JSON.stringify({ s: sort, v: key, f: filterDigest(filters) })).toString(
    'base64url',
  );
}

/** The sort key to continue after; throws CursorError when the cursor does not fit the query. */
export function decodeCursor(cursor: string, sort: string, filters: Filters = {}): CursorValue[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('the cursor is not one this API issued');
  }
  const result = cursorShape.safeParse(parsed);
  if (!result.success) throw new CursorError('the cursor is not one this API issued');
  if (result.data.s !== sort) {
    throw new CursorError(`the cursor belongs to sort '${result.data.s}', not '${sort}'`);
  }
  if (result.data.f !== filterDigest(filters)) {
    throw new CursorError('the cursor belongs to a query with other filters');
  }
  return result.data.v;
}

/** Which way a request pages: the first page, the rows after a cursor, or those before it. */
export type Direction<Key> =
  { kind: 'first' } | { kind: 'after'; key: Key } | { kind: 'before'; key: Key };

/** A two-way page: the rows, and cursors to the neighbouring pages when they hold rows. */
export interface KeysetPage<Item> {
  items: Item[];
  next?: string;
  prev?: string;
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
  keyOf: (row: Row) => CursorValue[],
  toItem: (row: Row) => Item,
  hasOtherSide = travel.kind !== 'first',
  sort = 'keyset',
): KeysetPage<Item> {
  const more = rows.length > limit;
  const kept = rows.slice(0, limit);
  const ordered = travel.kind === 'before' ? kept.reverse() : kept;
  const first = ordered[0];
  const last = ordered[ordered.length - 1];
  const hasNext = travel.kind === 'before' ? hasOtherSide : more;
  const hasPrev = travel.kind === 'before' ? more : hasOtherSide;
  return {
    items: ordered.map(toItem),
    ...(hasNext && last ? { next: encodeCursor(sort, keyOf(last)) } : {}),
    ...(hasPrev && first ? { prev: encodeCursor(sort, keyOf(first)) } : {}),
  };
}

/** A one-way page (newest or sorted first): the rows and the cursor after the last one. */
export function nextPage<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  cursorOf: (row: Row) => string,
): { items: Item[]; nextCursor: string | null } {
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { items: rows.slice(0, limit).map(toItem), nextCursor: last ? cursorOf(last) : null };
}
