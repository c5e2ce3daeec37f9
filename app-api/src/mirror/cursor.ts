// SPDX-License-Identifier: Apache-2.0
import type { Filters } from '@consortia/datasync/read';
import { CursorError, decodeCursor as decodeShared } from '@consortia/datasync/read';

// The mirror's one cursor format (datasync's read layer), used for this API's own lists too.
export type { Filters } from '@consortia/datasync/read';
export { CursorError, encodeCursor, filterDigest } from '@consortia/datasync/read';

/**
 * The `width` sort values to continue after, as text; throws CursorError when the cursor does
 * not fit this query (another sort, other filters, or not one this API issued).
 */
export function decodeCursor(
  cursor: string,
  sort: string,
  filters: Filters,
  width: number,
): string[] {
  const values = decodeShared(cursor, sort, filters);
  const fits = (value: unknown) => typeof value === 'string' && value.length <= 512;
  if (values.length !== width || !values.every(fits)) {
    throw new CursorError('the cursor is not one this API issued');
  }
  return values as string[];
}
