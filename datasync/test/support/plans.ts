// SPDX-License-Identifier: Apache-2.0
// The plans Postgres chooses for the read layer's queries: a query builder that keeps every
// query it runs, and EXPLAIN of one of them as a flat list of plan nodes.
import type { CompiledQuery } from 'kysely';
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';

import type { MirrorSchema } from '../../src/read';

/** One node of EXPLAIN (FORMAT JSON); the actual figures only with ANALYZE. */
export interface PlanNode {
  'Node Type': string;
  'Plan Rows': number;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** A plan's nodes, the root first. */
export function planNodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(planNodes)];
}

/**
 * A query builder over `pool` that appends each query it runs to `queries`. It does not own the
 * pool: ending the pool ends it.
 */
export function recordingDb(pool: pg.Pool): {
  db: Kysely<MirrorSchema>;
  queries: CompiledQuery[];
} {
  const queries: CompiledQuery[] = [];
  const db = new Kysely<MirrorSchema>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query') queries.push(event.query);
    },
  });
  return { db, queries };
}

/** The nodes of the plan for `query`; with `analyze` the query runs and they carry actual rows. */
export async function explain(
  pool: pg.Pool,
  query: CompiledQuery,
  options: { analyze?: boolean } = {},
): Promise<PlanNode[]> {
  const { rows } = await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    `EXPLAIN (${options.analyze ? 'ANALYZE, ' : ''}FORMAT JSON) ${query.sql}`,
    [...query.parameters],
  );
  return planNodes(rows[0]!['QUERY PLAN'][0].Plan);
}
