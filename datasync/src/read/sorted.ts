// SPDX-License-Identifier: Apache-2.0
import type { Expression, SelectQueryBuilder, SqlBool } from 'kysely';
import { sql } from 'kysely';

import type { CursorValue, Direction } from './cursor';

/** A sort column and the type its cursor value is compared as. */
export interface SortColumn<Column extends string = string> {
  column: Column;
  cast: 'text' | 'bigint' | 'integer' | 'numeric';
}

/** Ledger order: by block number, then by transaction index (`alias` names the table). */
export const ledgerOrder = (alias: 't' | 'w'): SortColumn[] => [
  { column: `${alias}.block_number`, cast: 'bigint' },
  { column: `${alias}.tx_index`, cast: 'integer' },
];

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

/**
 * `query`'s rows in the order of `columns`, `limit + 1` beyond the keyset `after` (one-way
 * pages, sorted either way).
 */
export function sortedRows<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  columns: readonly SortColumn[],
  order: { descending: boolean; after?: readonly CursorValue[] },
  limit: number,
) {
  const direction = order.descending ? 'desc' : 'asc';
  const from =
    order.after === undefined ? query : query.where(beyond(columns, order.after, order.descending));
  return columns
    .reduce((sorted, column) => sorted.orderBy(sql.ref(column.column), direction), from)
    .limit(limit + 1)
    .execute();
}

/**
 * `query`'s rows in ascending order of `columns`, `limit + 1` in travel order from a two-way
 * keyset position (a `before` page comes reversed, nearest the cursor first; `toPage` turns it).
 */
export function travelRows<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  columns: readonly string[],
  travel: Direction<readonly CursorValue[]>,
  limit: number,
) {
  const from =
    travel.kind === 'first'
      ? query
      : query.where(
          sql<SqlBool>`(${sql.join(columns.map((column) => sql.ref(column)))}) ${sql.raw(
            travel.kind === 'after' ? '>' : '<',
          )} (${sql.join(travel.key)})`,
        );
  const direction = travel.kind === 'before' ? 'desc' : 'asc';
  return columns
    .reduce((sorted, column) => sorted.orderBy(sql.ref(column), direction), from)
    .limit(limit + 1)
    .execute();
}
