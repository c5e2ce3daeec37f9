// SPDX-License-Identifier: Apache-2.0
import type { Expression, SqlBool } from 'kysely';
import { sql } from 'kysely';

/** A sort column and the type its cursor value is compared as. */
export interface SortColumn<Column extends string = string> {
  column: Column;
  cast: 'text' | 'bigint' | 'integer' | 'numeric';
}

/** Rows strictly beyond the keyset position `values`, in the direction of the sort. */
export function beyond(
  columns: readonly SortColumn[],
  values: readonly (string | number)[],
  descending: boolean,
): Expression<SqlBool> {
  const left = sql.join(columns.map((column) => sql.ref(column.column)));
  const right = sql.join(
    columns.map((column, index) => sql`${values[index]}::${sql.raw(column.cast)}`),
  );
  return sql<SqlBool>`(${left}) ${sql.raw(descending ? '<' : '>')} (${right})`;
}
