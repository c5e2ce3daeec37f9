// SPDX-License-Identifier: Apache-2.0
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
    const started = Date.now();
    try {
      await step.run();
      if (options.logCompleted) {
        logger.info({ step: step.name, ms: Date.now() - started }, 'shutdown step done');
      }
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

let signalHandlers = 0;

/**
 * Whether a gracefulShutdown handler owns SIGTERM/SIGINT in this process. Libraries that would
 * otherwise exit on a signal (embedded Postgres) stand aside when it does.
 */
export function shutdownHandlesSignals(): boolean {
  return signalHandlers > 0;
}

/**
 * Holds SIGTERM and SIGINT while a service starts: each is passed to onSignal instead of killing
 * the process half-started, and shutdownHandlesSignals() is true meanwhile. Returns the release.
 */
export function holdSignals(
  onSignal: (signal: NodeJS.Signals) => void,
  signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
): () => void {
  const listener = (signal: NodeJS.Signals) => onSignal(signal);
  for (const signal of signals) process.on(signal, listener);
  signalHandlers += 1;
  return () => {
    for (const signal of signals) process.off(signal, listener);
    signalHandlers -= 1;
  };
}

/**
 * Stops a service in order on SIGTERM or SIGINT: e.g. stop accepting, drain in-flight work,
 * commit offsets, close connections. A step that fails is logged and the rest still run; if the
 * whole sequence exceeds the deadline the process exits non-zero. A repeated signal (Ctrl-C in a
 * terminal reaches every process of the group, and supervisors forward it again) never cuts the
 * sequence short. Returns the trigger, for tests and for callers that stop for other reasons.
 */
export function gracefulShutdown(
  logger: Logger,
  steps: readonly ShutdownStep[],
  options: { timeoutMs?: number; exit?: (code: number) => void; signals?: NodeJS.Signals[] } = {},
): (reason: string) => Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const timeoutMs = options.timeoutMs ?? 30_000;
  let running: Promise<void> | undefined;
  const shutdown = (reason: string) => {
    if (running) {
      logger.info({ reason }, 'already shutting down');
      return running;
    }
    running = (async () => {
      logger.info({ reason, steps: steps.map((step) => step.name), timeoutMs }, 'shutting down');
      const deadline = setTimeout(() => {
        logger.error({ timeoutMs }, 'shutdown took too long; exiting');
        exit(1);
      }, timeoutMs);
      deadline.unref();
      const succeeded = await runShutdownSteps(logger, steps, { logCompleted: true });
      clearTimeout(deadline);
      logger.info({ succeeded }, 'shutdown complete');
      exit(succeeded ? 0 : 1);
    })();
    return running;
  };
  const signals = options.signals ?? (['SIGTERM', 'SIGINT'] as NodeJS.Signals[]);
  for (const signal of signals) {
    // `on`, not `once`: with no listener left, a second signal would kill the process mid-way.
    process.on(signal, () => void shutdown(signal));
  }
  if (signals.length > 0) signalHandlers += 1;
  return shutdown;
}
