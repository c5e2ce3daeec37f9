// SPDX-License-Identifier: Apache-2.0
// The event stream scenario's separate processes, each as it is deployed and each killable with
// SIGKILL (no chance to clean up): the app-api (`serve`), datasync (`run`) on the stack's
// mirror, and an application's receiver (events-receiver-process.ts).
import { spawn } from 'node:child_process';
import path from 'node:path';

import type { RealStack } from './real-stack';
import { freePort, waitUntil } from './stack';

/** A child process of the scenario. */
export interface Child {
  pid: number;
  /** How it ended: its exit code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL; resolves once the process is gone. */
  kill(): Promise<void>;
  /** The end of what it wrote to stderr, for failure messages. */
  errors(): string;
}

const SUPPORT = __dirname;

/**
 * Starts `entry` (TypeScript, run through tsx) with `args` and `env`, and waits until `ready`
 * says it serves; it is killed if it does not within `readyMs`.
 */
export async function startChild(
  name: string,
  entry: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: (child: Child, output: () => string) => Promise<boolean>,
  // a process that loads its TypeScript sources on a machine loaded many times over its CPUs
  // takes minutes to serve
  readyMs = 600_000,
): Promise<Child> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', entry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const handle: Child = {
    pid: child.pid ?? -1,
    exited,
    errors: () => errors,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  try {
    await waitUntil(
      `the ${name} process to serve`,
      async () => {
        // readiness first: a receiver told to die after N batches may serve, get its N batches
        // and kill itself between two polls, which is a start, not a failure to start
        if (await ready(handle, () => output)) return true;
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`the ${name} process ended: ${errors}`);
        return false;
      },
      readyMs,
    );
  } catch (error) {
    await handle.kill();
    throw new Error(`${(error as Error).message}; its stderr: ${errors || '(empty)'}`, {
      cause: error,
    });
  }
  return handle;
}

const answers = async (url: string) => {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
};

/** The app-api as a separate process on the stack (its PORT, or a free one), like a deployed one. */
export async function spawnApi(env: NodeJS.ProcessEnv): Promise<Child & { base: string }> {
  const port = env.PORT && env.PORT !== '0' ? Number(env.PORT) : await freePort();
  const base = `http://127.0.0.1:${port}`;
  const entry = path.resolve(SUPPORT, '../../src/index.ts');
  const child = await startChild('app-api', entry, ['serve'], { ...env, PORT: String(port) }, () =>
    answers(`${base}/healthz`),
  );
  return { ...child, base };
}

/** datasync as a process of its own on the stack's mirror (its in-process one stopped first). */
export async function spawnDatasync(stack: RealStack): Promise<Child> {
  await stack.stopDatasync();
  const port = await freePort();
  const entry = path.resolve(SUPPORT, '../../../datasync/src/index.ts');
  return startChild(
    'datasync',
    entry,
    ['run'],
    {
      ...stack.datasyncEnv,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      DATASYNC_RETRY_MIN_MS: '100',
      DATASYNC_RETRY_MAX_MS: '1000',
      DATASYNC_HEIGHT_POLL_MS: '1000',
    },
    () => answers(`http://127.0.0.1:${port}/healthz`),
  );
}

export interface ReceiverSettings {
  /** The app-api the WebSocket client connects to (every app-api of the scenario listens there). */
  api: string;
  token: string;
  /** The WebSocket subscription. */
  subscription: string;
  webhookPort: number;
  webhookSecret: string;
  certificate: { cert: string; key: string };
  /** Where the events go, one file per transport (kept across restarts). */
  files: { webhook: string; websocket: string };
  /** Kills itself (SIGKILL) after storing this many batches, before answering the last. */
  dieAfterBatches?: number;
}

/** The receiver process, serving its webhook and streaming its subscription. */
export function spawnReceiver(settings: ReceiverSettings): Promise<Child> {
  return startChild(
    'receiver',
    path.join(SUPPORT, 'events-receiver-process.ts'),
    [],
    {
      RECEIVER_API: settings.api,
      RECEIVER_TOKEN: settings.token,
      RECEIVER_SUBSCRIPTION: settings.subscription,
      RECEIVER_WEBHOOK_PORT: String(settings.webhookPort),
      RECEIVER_WEBHOOK_SECRET: settings.webhookSecret,
      RECEIVER_CERT_FILE: settings.certificate.cert,
      RECEIVER_KEY_FILE: settings.certificate.key,
      RECEIVER_WEBHOOK_FILE: settings.files.webhook,
      RECEIVER_WEBSOCKET_FILE: settings.files.websocket,
      RECEIVER_DIE_AFTER_BATCHES: String(settings.dieAfterBatches ?? 0),
    },
    async (_child, output) => output().includes('ready'),
  );
}
