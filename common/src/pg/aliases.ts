// SPDX-License-Identifier: Apache-2.0
/**
 * Earlier names of Postgres settings, kept working as aliases: `prefix` + the libpq name (the one
 * to use) → `prefix` + the earlier name. E.g. PGHOST ← DB_HOST, MIRROR_PGHOST ← MIRROR_DB_HOST.
 */
const EARLIER_NAMES: Record<string, string> = {
  PGHOST: 'DB_HOST',
  PGPORT: 'DB_PORT',
  PGDATABASE: 'DB_NAME',
  PGUSER: 'DB_USER',
  PGPASSWORD: 'DB_PASSWORD',
  PGSSLMODE: 'DB_SSL_MODE',
  PGSSLROOTCERT: 'DB_SSL_CA_FILE',
};

/** The aliases of one database's settings, `prefix` naming which database (e.g. `MIRROR_`). */
export function postgresAliases(prefix = ''): Record<string, string> {
  return Object.fromEntries(
    Object.entries(EARLIER_NAMES).map(([name, earlier]) => [prefix + name, prefix + earlier]),
  );
}

const given = (value: string | undefined): value is string =>
  value !== undefined && value.trim() !== '';

/**
 * The environment with each variable that is not set taken from its alias (`name → alias`); a
 * variable set under its own name wins over its alias.
 */
export function withAliases(
  variables: NodeJS.ProcessEnv,
  aliases: Record<string, string>,
): NodeJS.ProcessEnv {
  const resolved = { ...variables };
  for (const [name, alias] of Object.entries(aliases)) {
    const value = variables[alias];
    if (!given(variables[name]) && given(value)) resolved[name] = value;
  }
  return resolved;
}
