// SPDX-License-Identifier: Apache-2.0
import type { DaemonSpec, PidRecord } from './supervisor';
import { isOurs, readPidRecord, startDaemon, stopDaemon, tailFile } from './supervisor';
import { StopWaiting, waitFor } from './wait';

export interface EnsureRunning {
  spec: DaemonSpec;
  /** What is waited for, as the timeout error names it. */
  description: string;
  /** True once the process serves (its health endpoint answers, its port is open, ...). */
  ready: () => Promise<boolean>;
  timeoutMs: number;
  intervalMs?: number;
  /** Whether a process of ours that already runs may be kept; by default any may. */
  reuse?: (running: PidRecord) => boolean;
  /** Collects the processes started by this call, so a failure can stop exactly those. */
  started?: PidRecord[];
  /** How the process is called when it exits early; its name by default. */
  label?: string;
}

/**
 * Starts a daemon unless one of ours already runs (and may be kept), then waits until it is
 * ready. It gives up at once, with the tail of its log, if the process exits meanwhile.
 */
export async function ensureRunning(options: EnsureRunning): Promise<PidRecord> {
  const { spec } = options;
  const running = readPidRecord(spec.runDir, spec.name);
  let record = running && isOurs(running) ? running : undefined;
  if (record && options.reuse && !options.reuse(record)) {
    await stopDaemon(spec.runDir, spec.name);
    record = undefined;
  }
  if (!record) {
    record = startDaemon(spec);
    options.started?.push(record);
  }
  const watched = record;
  await waitFor(
    options.description,
    async () => {
      if (!isOurs(watched)) {
        throw new StopWaiting(
          `${options.label ?? spec.name} exited:\n${tailFile(watched.logFile)}`,
        );
      }
      return options.ready();
    },
    {
      timeoutMs: options.timeoutMs,
      intervalMs: options.intervalMs,
      onTimeout: () => `last lines of ${watched.logFile}:\n${tailFile(watched.logFile)}`,
    },
  );
  return watched;
}
