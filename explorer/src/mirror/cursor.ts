// SPDX-License-Identifier: Apache-2.0
import type { CursorValue, Direction } from '@consortia/datasync/read';
import {
  decodeCursor as decodeShared,
  encodeCursor as encodeShared,
} from '@consortia/datasync/read';
import type { z } from 'zod';

// Keyset pagination in the mirror's one cursor format (datasync's read layer); the explorer's
// two-way pages carry the sort key of the row they end at under the sort name 'keyset'.
export type { Direction } from '@consortia/datasync/read';
export { toPage } from '@consortia/datasync/read';

export class CursorError extends Error {
  constructor() {
    super('the page cursor is not valid (follow the next/previous links the API returns)');
    this.name = 'CursorError';
  }
}

export function encodeCursor(key: readonly CursorValue[]): string {
  return encodeShared('keyset', key);
}

export function decodeCursor<Schema extends z.ZodType>(
  cursor: string,
  schema: Schema,
): z.infer<Schema> {
  try {
    const parsed = schema.safeParse(decodeShared(cursor, 'keyset'));
    if (parsed.success) return parsed.data;
  } catch {
    // not a cursor this API issued
  }
  throw new CursorError();
}

export function direction<Schema extends z.ZodType>(
  query: { after?: string; before?: string },
  schema: Schema,
): Direction<z.infer<Schema>> {
  if (query.after) return { kind: 'after', key: decodeCursor(query.after, schema) };
  if (query.before) return { kind: 'before', key: decodeCursor(query.before, schema) };
  return { kind: 'first' };
}
