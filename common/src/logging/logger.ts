// SPDX-License-Identifier: Apache-2.0
import { AsyncLocalStorage } from 'node:async_hooks';

import pino from 'pino';
import type { Logger, LoggerOptions } from 'pino';

export type { Logger } from 'pino';

const correlation = new AsyncLocalStorage<string>();

/**
 * Runs `work` with a correlation id that every log line written inside it carries, across
 * awaits and callbacks, so one request can be followed from the API to the transaction.
 */
export function withCorrelationId<T>(id: string, work: () => T): T {
  return correlation.run(id, work);
}

export function currentCorrelationId(): string | undefined {
  return correlation.getStore();
}

/** Structured JSON logs on stdout, one object per line, with the service name and correlation id. */
export function createLogger(
  service: string,
  level = 'info',
  destination?: pino.DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const id = correlation.getStore();
      return id ? { correlationId: id } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
