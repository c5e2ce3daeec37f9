// SPDX-License-Identifier: Apache-2.0
import { isIP } from 'node:net';

import { z } from 'zod';

/** A service's configuration could not be read from its environment variables. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${service}: invalid configuration\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * Reads a service's configuration from environment variables, validated by a zod schema whose
 * keys are the variable names. Every problem is reported at once, each naming its variable.
 */
export function loadConfig<Schema extends z.ZodObject>(
  service: string,
  schema: Schema,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<Schema> {
  const known = Object.fromEntries(
    Object.keys(schema.shape).map((name) => [name, emptyAsMissing(env[name])]),
  );
  const result = schema.safeParse(known);
  if (result.success) return result.data;
  throw new ConfigError(
    service,
    result.error.issues.map((issue) => {
      const variable = issue.path.join('.') || '(environment)';
      const value = env[String(issue.path[0] ?? '')];
      return `${variable}: ${issue.message}${value === undefined ? '' : ` (got '${value}')`}`;
    }),
  );
}

function emptyAsMissing(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Reusable variable types, so every service reads ports, flags and lists the same way. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback),
  /** A port to listen on, where 0 lets the system pick a free one (tests). */
  listenPort: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  flag: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
      .transform((value) => ['true', '1', 'yes'].includes(value))
      .default(fallback),
  list: () =>
    z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .default([]),
  /**
   * The reverse proxies whose X-Forwarded-For is believed, as Express's `trust proxy` takes them:
   * addresses, CIDR ranges, or `loopback`, `linklocal`, `uniquelocal`. Empty (the default): none,
   * so a client cannot choose the address that rate limits and logs see.
   */
  proxies: () =>
    env.list().refine((items) => items.every(isProxyAddress), {
      message: 'expected addresses, CIDR ranges, loopback, linklocal or uniquelocal',
    }),
  logLevel: () =>
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  url: () => z.url(),
};

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(item: string): boolean {
  if (PROXY_NAMES.has(item)) return true;
  const [address = '', prefix, extra] = item.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = /^[0-9]{1,3}$/.test(prefix) ? Number(prefix) : -1;
  return bits >= 0 && bits <= (family === 4 ? 32 : 128);
}
