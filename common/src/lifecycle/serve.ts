// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '../logging/logger';
import { createLogger } from '../logging/logger';
import type { ShutdownStep } from './shutdown';
import { gracefulShutdown, holdSignals } from './shutdown';

/** What every service's startService resolves to, whatever else it carries. */
export interface StartedService {
  /** In order: stop accepting, drain work, close connections. */
  shutdownSteps: readonly ShutdownStep[];
  /** Runs the shutdown steps once; later calls wait for that run. */
  stop(): Promise<void>;
}

export interface ServeOptions<Service extends StartedService> {
  /** The service's name in its logs (its SERVICE_NAME). */
  service: string;
  logLevel: string;
  shutdownTimeoutMs: number;
  start: (logger: Logger) => Promise<Service>;
}

/**
 * The long-running command of every service: its logger, startService, then the shutdown steps
 * on SIGTERM or SIGINT within the shutdown timeout. Resolves once the service is started.
 *
 * A service may already listen while it still starts (the DAPP answers before its worker has
 * joined its consumer group), so a signal can come before its shutdown steps exist. Such a signal
 * is held, and the steps run as soon as the start is over, instead of the process dying
 * half-started with its embedded Postgres and its consumer group member left behind.
 */
export async function serveUntilSignalled<Service extends StartedService>(
  options: ServeOptions<Service>,
): Promise<Service> {
  const logger = createLogger(options.service, options.logLevel);
  let heldSignal: NodeJS.Signals | undefined;
  let deadline: NodeJS.Timeout | undefined;
  const release = holdSignals((signal) => {
    if (heldSignal !== undefined) return;
    heldSignal = signal;
    logger.info({ signal }, 'signal while starting; stopping once started');
    // a start that never ends (a broker that never answers) must not keep the process forever
    deadline = setTimeout(() => {
      logger.error(
        { timeoutMs: options.shutdownTimeoutMs },
        'still starting at the shutdown deadline; exiting',
      );
      process.exit(1);
    }, options.shutdownTimeoutMs);
    deadline.unref();
  });
  let service: Service;
  try {
    service = await options.start(logger);
  } finally {
    release();
    clearTimeout(deadline);
  }
  const shutdown = gracefulShutdown(logger, service.shutdownSteps, {
    timeoutMs: options.shutdownTimeoutMs,
  });
  if (heldSignal !== undefined) void shutdown(heldSignal);
  return service;
}
