import type { Logger } from 'pino';

export interface ShutdownStep {
  name: string;
  run: () => Promise<void>;
}

/**
 * Runs shutdown steps in order; a step that fails is logged and the rest still run. Resolves to
 * false if any failed. Signals and a service's own stop() share it, so both stop a service alike.
 */
export async function runShutdownSteps(
  logger: Logger,
  steps: readonly ShutdownStep[],
  options: { logCompleted?: boolean } = {},
): Promise<boolean> {
  let succeeded = true;
  for (const step of steps) {
    try {
      await step.run();
      if (options.logCompleted) logger.info({ step: step.name }, 'shutdown step done');
    } catch (error) {
      succeeded = false;
      logger.error({ step: step.name, err: error }, 'shutdown step failed');
    }
  }
  return succeeded;
}

/**
 * A running service's stop(): the first call runs the shutdown steps, later calls wait for that
 * same run, so a test or an embedding process may stop a service more than once safely.
 */
export function stopOnce(logger: Logger, steps: readonly ShutdownStep[]): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  return () => {
    stopped ??= runShutdownSteps(logger, steps).then(() => undefined);
    return stopped;
  };
}

/**
 * Stops a service in order on SIGTERM or SIGINT: e.g. stop accepting, drain in-flight work,
 * commit offsets, close connections. A step that fails is logged and the rest still run; if the
 * whole sequence exceeds the deadline the process exits non-zero. Returns the trigger, for tests
 * and for callers that stop for other reasons.
 */
export function gracefulShutdown(
  logger: Logger,
  steps: readonly ShutdownStep[],
  options: { timeoutMs?: number; exit?: (code: number) => void; signals?: NodeJS.Signals[] } = {},
): (reason: string) => Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let running: Promise<void> | undefined;
  const shutdown = (reason: string) => {
    running ??= (async () => {
      logger.info({ reason }, 'shutting down');
      const deadline = setTimeout(() => {
        logger.error({ timeoutMs: options.timeoutMs }, 'shutdown took too long; exiting');
        exit(1);
      }, options.timeoutMs ?? 30_000);
      deadline.unref();
      const succeeded = await runShutdownSteps(logger, steps, { logCompleted: true });
      clearTimeout(deadline);
      exit(succeeded ? 0 : 1);
    })();
    return running;
  };
  for (const signal of options.signals ?? (['SIGTERM', 'SIGINT'] as NodeJS.Signals[])) {
    process.once(signal, () => void shutdown(signal));
  }
  return shutdown;
}
