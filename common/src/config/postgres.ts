// SPDX-License-Identifier: Apache-2.0
import { z } from 'zod';

import { env } from './env';

/**
 * DATABASE_URL and the libpq variables (as the Helm charts set them), for a schema to spread in,
 * so that every service reading a Postgres database takes the same variables.
 */
export function postgresVariables(defaultDatabase: string) {
  return {
    DATABASE_URL: z.string().optional(),
    PGHOST: z.string().optional(),
    PGPORT: env.port(5432),
    PGDATABASE: z.string().default(defaultDatabase),
    PGUSER: z.string().default('postgres'),
    PGPASSWORD: z.string().optional(),
    PGSSLMODE: z.string().optional(),
  };
}

export type PostgresVariables = z.infer<z.ZodObject<ReturnType<typeof postgresVariables>>>;

/** DATABASE_URL as given, else a URL made of the libpq variables; undefined without PGHOST. */
export function postgresUrl(values: PostgresVariables): string | undefined {
  if (values.DATABASE_URL) return values.DATABASE_URL;
  if (!values.PGHOST) return undefined;
  const auth = values.PGPASSWORD
    ? `${encodeURIComponent(values.PGUSER)}:${encodeURIComponent(values.PGPASSWORD)}`
    : encodeURIComponent(values.PGUSER);
  const ssl = values.PGSSLMODE ? `?sslmode=${encodeURIComponent(values.PGSSLMODE)}` : '';
  return `postgres://${auth}@${values.PGHOST}:${values.PGPORT}/${encodeURIComponent(values.PGDATABASE)}${ssl}`;
}
