// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '../logging/logger';
import { createLogger } from '../logging/logger';
import type { ShutdownStep } from './shutdown';
import { gracefulShutdown } from './shutdown';

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
 */
export async function serveUntilSignalled<Service extends StartedService>(
  options: ServeOptions<Service>,
): Promise<Service> {
  const logger = createLogger(options.service, options.logLevel);
  const service = await options.start(logger);
  gracefulShutdown(logger, service.shutdownSteps, { timeoutMs: options.shutdownTimeoutMs });
  return service;
}
