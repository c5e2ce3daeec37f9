// SPDX-License-Identifier: Apache-2.0
import { Router } from 'express';
import type { Registry } from 'prom-client';

/** One dependency's readiness: true, or a sentence saying what is wrong. */
export type CheckResult = true | string;
export type ReadinessChecks = Record<string, () => Promise<CheckResult>>;

async function runCheck(
  check: () => Promise<CheckResult>,
  timeoutMs: number,
): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([
      check().catch((error: unknown) => (error instanceof Error ? error.message : String(error))),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The endpoints every service serves: /healthz (the process is alive), /readyz (its dependencies
 * answer; 503 naming those that do not) and /metrics (Prometheus text format).
 */
export function operationsRouter(options: {
  registry: Registry;
  checks: ReadinessChecks;
  checkTimeoutMs?: number;
}): Router {
  const router = Router();
  router.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  router.get('/readyz', async (_request, response) => {
    const names = Object.keys(options.checks);
    const results = await Promise.all(
      names.map((name) =>
        runCheck(
          options.checks[name] as () => Promise<CheckResult>,
          options.checkTimeoutMs ?? 2000,
        ),
      ),
    );
    const checks = Object.fromEntries(
      names.map((name, index) => [name, results[index] === true ? 'ok' : results[index]]),
    );
    const ready = results.every((result) => result === true);
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  router.get('/metrics', async (_request, response) => {
    response.type(options.registry.contentType).send(await options.registry.metrics());
  });
  return router;
}
