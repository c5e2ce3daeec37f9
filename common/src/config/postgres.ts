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
    /** CA file the server's certificate is checked against (libpq's sslrootcert), e.g. RDS's bundle. */
    PGSSLROOTCERT: z.string().optional(),
  };
}

export type PostgresVariables = z.infer<z.ZodObject<ReturnType<typeof postgresVariables>>>;

/**
 * DATABASE_URL as given, else a URL made of the libpq variables; undefined without PGHOST.
 * PGSSLMODE keeps libpq's meaning (node-postgres' own reading would turn `require` into full
 * verification against the system CAs): require encrypts without checking the certificate, or
 * checks it against PGSSLROOTCERT when one is given; verify-ca and verify-full check it.
 */
export function postgresUrl(values: PostgresVariables): string | undefined {
  if (values.DATABASE_URL) return values.DATABASE_URL;
  if (!values.PGHOST) return undefined;
  const auth = values.PGPASSWORD
    ? `${encodeURIComponent(values.PGUSER)}:${encodeURIComponent(values.PGPASSWORD)}`
    : encodeURIComponent(values.PGUSER);
  const ssl = values.PGSSLMODE
    ? `?${new URLSearchParams({
        sslmode: values.PGSSLMODE,
        ...(values.PGSSLROOTCERT ? { sslrootcert: values.PGSSLROOTCERT } : {}),
        uselibpqcompat: 'true',
      }).toString()}`
    : '';
  return `postgres://${auth}@${values.PGHOST}:${values.PGPORT}/${encodeURIComponent(values.PGDATABASE)}${ssl}`;
}
