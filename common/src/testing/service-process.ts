// SPDX-License-Identifier: Apache-2.0
import type { ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';

import { waitUntil } from './wait';

/** A service run as its own process from its TypeScript entry point, as a test drives it. */
export interface ServiceProcess {
  child: ChildProcess;
  /** Everything it wrote on stdout and stderr so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs `entry` with `args` and `env` on top of this process's environment. A TypeScript entry
 * runs through tsx; a built one (`.js`) runs as deployed, with no loader in its way (benchmarks).
 */
export function spawnService(
  entry: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): ServiceProcess {
  const loader = entry.endsWith('.js') ? [] : ['--require', 'tsx/cjs'];
  const child = spawn(process.execPath, [...loader, entry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** The JSON log lines in a process's output (anything else is skipped). */
export function logRecords(output: string): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      records.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a partial or foreign line
    }
  }
  return records;
}

export interface StoppedService {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The shutdown steps the service logged as done, in order. */
  stepsDone: string[];
  /** Those it logged as failed. */
  stepsFailed: string[];
  ms: number;
  output: string;
}

/**
 * Sends `signal` (twice, as a terminal's Ctrl-C plus a forwarding parent would) and waits for the
 * process to exit, at most `timeoutMs`; then SIGKILLs it and fails, so a test never hangs.
 */
export async function stopWithSignal(
  service: ServiceProcess,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<StoppedService> {
  const started = Date.now();
  service.child.kill(signal);
  const again = setTimeout(() => service.child.kill(signal), 200);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const result = await Promise.race([service.exited, timedOut]);
  clearTimeout(again);
  clearTimeout(timer);
  if (result === 'timeout') {
    service.child.kill('SIGKILL');
    throw new Error(`still running ${timeoutMs} ms after ${signal}:\n${service.output()}`);
  }
  const records = logRecords(service.output());
  const steps = (message: string) =>
    records.filter((record) => record.msg === message).map((record) => String(record.step));
  return {
    ...result,
    stepsDone: steps('shutdown step done'),
    stepsFailed: steps('shutdown step failed'),
    ms: Date.now() - started,
    output: service.output(),
  };
}

/** A port nothing listens on right now, chosen by the kernel (for servers that refuse 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts connections on 127.0.0.1:`port` (e.g. a Postgres not yet stopped). */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** SIGKILLs a service a failed test left running, so it cannot hold ports for the next one. */
export function killIfRunning(service: ServiceProcess | undefined): void {
  if (service?.child.exitCode === null) service.child.kill('SIGKILL');
}

/**
 * Asserts a clean shutdown: the steps the service announced in its `shutting down` record include
 * `required`, none failed, and every announced step ran, in order.
 */
export function assertEveryStepRan(stopped: StoppedService, required: readonly string[]): void {
  const announced = logRecords(stopped.output).find((record) => record.msg === 'shutting down');
  const steps = (announced?.steps ?? []) as string[];
  for (const step of required) {
    assert.ok(steps.includes(step), `${step} is a shutdown step: ${steps.join(', ')}`);
  }
  assert.deepEqual(stopped.stepsFailed, [], stopped.output);
  assert.deepEqual(stopped.stepsDone, steps, 'every step ran, in order');
}

/**
 * Waits until `ready` holds for a service just spawned (a check that throws counts as not yet).
 * A start that hangs or dies fails with the end of the process's own output, which says why.
 */
export async function waitForStart(
  service: ServiceProcess,
  description: string,
  ready: () => Promise<boolean>,
  timeoutMs = 120_000,
): Promise<void> {
  await waitUntil(description, ready, timeoutMs).catch((error: unknown) => {
    throw new Error(`${String(error)}; its output:\n${service.output().slice(-4000)}`);
  });
}

/** Waits, as `waitForStart` does, until the service `name` answers GET /healthz on `port`. */
export function waitForHealthz(
  service: ServiceProcess,
  name: string,
  port: number,
  timeoutMs?: number,
): Promise<void> {
  return waitForStart(
    service,
    `${name} to answer /healthz`,
    async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
    timeoutMs,
  );
}

export interface CleanShutdown {
  /** Steps it must announce (every step it announces must run, in order). */
  steps: readonly string[];
  /** The port of its embedded Postgres, which must be stopped too. */
  postgresPort?: number;
  timeoutMs: number;
}

/**
 * Stops a service with `signal` (see `stopWithSignal`) and asserts a clean shutdown: exit code 0,
 * every step ran (see `assertEveryStepRan`), and its embedded Postgres, if any, is stopped.
 */
export async function assertCleanShutdown(
  service: ServiceProcess,
  signal: NodeJS.Signals,
  expected: CleanShutdown,
): Promise<StoppedService> {
  const stopped = await stopWithSignal(service, signal, expected.timeoutMs);
  assert.equal(stopped.code, 0, stopped.output);
  assertEveryStepRan(stopped, expected.steps);
  if (expected.postgresPort !== undefined) {
    assert.equal(await portOpen(expected.postgresPort), false, 'its embedded Postgres is stopped');
  }
  return stopped;
}

/**
 * Spawns a service (spawnService) listening on 127.0.0.1 at a free port (HOST and PORT), and
 * waits until it answers GET /healthz there; one that does not is SIGKILLed, and the error
 * carries its output.
 */
export async function startServiceProcess(
  entry: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  name: string,
): Promise<{ service: ServiceProcess; port: number; base: string }> {
  const port = await freePort();
  const service = spawnService(entry, args, { ...env, HOST: '127.0.0.1', PORT: String(port) });
  try {
    await waitForHealthz(service, name, port);
  } catch (error) {
    service.child.kill('SIGKILL');
    throw error;
  }
  return { service, port, base: `http://127.0.0.1:${port}` };
}
