import type { Logger } from 'pino';

export interface ShutdownStep {
  name: string;
  run: () => Promise<void>;
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
      let failed = false;
      for (const step of steps) {
        try {
          await step.run();
          logger.info({ step: step.name }, 'shutdown step done');
        } catch (error) {
          failed = true;
          logger.error({ step: step.name, err: error }, 'shutdown step failed');
        }
      }
      clearTimeout(deadline);
      exit(failed ? 1 : 0);
    })();
    return running;
  };
  for (const signal of options.signals ?? (['SIGTERM', 'SIGINT'] as NodeJS.Signals[])) {
    process.once(signal, () => void shutdown(signal));
  }
  return shutdown;
}
