// SPDX-License-Identifier: Apache-2.0
import { sql } from 'kysely';

/**
 * At most `limit` bytes of a bytea value column, its size, and its JSON document when the
 * whole value fits (`alias` names the table: `ws`, `w`).
 */
export function valueColumns(alias: 'ws' | 'w', limit: number) {
  const value = sql.ref(`${alias}.value`);
  const json = sql.ref(`${alias}.value_json`);
  return [
    sql<Buffer | null>`substring(${value} FROM 1 FOR ${sql.lit(limit)})`.as('value'),
    sql<number | null>`octet_length(${value})`.as('value_size'),
    sql`CASE WHEN octet_length(${value}) <= ${sql.lit(limit)} THEN ${json} END`.as('value_json'),
  ] as const;
}

/** A bytea value column's prefix, size and JSON, as `valueColumns` selects them. */
export interface ValueColumns {
  value: Buffer | null;
  value_size: number | null;
  value_json: unknown;
}
