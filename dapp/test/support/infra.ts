import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { openDatabase } from '@consortia/common';
import type { Database } from '@consortia/common';
import {
  consortiaHome,
  kafkaComponent,
  prepareBroker,
  startBroker,
  stopDaemon,
} from '@consortia/network';

/** A fresh directory under the system temp dir, searchable by others (the postgres user). */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `consortia-dapp-${prefix}-`));
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** A port nothing listens on right now, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

export interface TestKafka {
  brokers: string[];
  stop(): Promise<void>;
}

/** A real single-node Kafka broker (KRaft), as the network workspace runs it. */
export async function startKafka(dir: string): Promise<TestKafka> {
  const home = consortiaHome();
  if (!kafkaComponent.isInstalled(home)) {
    throw new Error('Kafka is not installed: run `consortia install kafka`');
  }
  const node = {
    port: await freePort(),
    controllerPort: await freePort(),
    dir: path.join(dir, 'kafka'),
  };
  const location = { node, runDir: path.join(dir, 'run'), logDir: path.join(dir, 'logs') };
  await prepareBroker(home, node);
  await startBroker(home, location);
  return {
    brokers: [`127.0.0.1:${node.port}`],
    stop: async () => {
      await stopDaemon(location.runDir, 'kafka');
    },
  };
}

/** A real embedded PostgreSQL server with its data under `dir`. */
export async function startPostgres(dir: string): Promise<Database> {
  return openDatabase({
    dataDir: path.join(dir, 'postgres'),
    port: await freePort(),
    database: 'dapp',
  });
}

export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
