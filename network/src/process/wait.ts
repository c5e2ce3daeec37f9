// SPDX-License-Identifier: Apache-2.0
import net from 'node:net';

import { UserError } from '../errors';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Extra text for the timeout error, e.g. the tail of a log file. */
  onTimeout?: () => string;
}

/** Thrown by a probe to give up waiting at once, e.g. because the awaited process exited. */
export class StopWaiting extends UserError {}

/**
 * Polls a condition until it holds or the deadline passes; never sleeps for a fixed time. A probe
 * that throws StopWaiting ends the wait with that error; any other error means "not ready yet".
 */
export async function waitFor(
  description: string,
  probe: () => Promise<boolean>,
  options: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 250;
  for (;;) {
    try {
      if (await probe()) return;
    } catch (error) {
      if (error instanceof StopWaiting) throw error;
    }
    if (Date.now() >= deadline) {
      const extra = options.onTimeout?.();
      throw new UserError(
        `timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${description}${extra ? `\n${extra}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

export function tcpOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function httpOk(url: string, timeoutMs = 2000): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await response.body?.cancel();
  return response.ok;
}
