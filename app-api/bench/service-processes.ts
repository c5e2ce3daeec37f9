// SPDX-License-Identifier: Apache-2.0
// The services a benchmark measures, run as deployed: each a process of its own from its built
// entry point, on the stack's databases and network. The load generator then shares no event
// loop with what it measures, and each service's CPU is its own.
import path from 'node:path';

import {
  type ServiceProcess,
  startServiceProcess,
  stopWithSignal,
} from '@consortia/common/testing';

import type { RealStack } from '../test/support/real-stack';

const API_ENTRY = path.resolve(__dirname, '..', 'dist', 'index.js');
/** The DAPP package's own entry point (its `main`), as its image runs it. */
const DAPP_ENTRY = require.resolve('@consortia/dapp');

export interface ServiceProcesses {
  apiBase: string;
  dappBase: string;
  stop(): Promise<void>;
}

const started = (entry: string, name: string, env: NodeJS.ProcessEnv) =>
  startServiceProcess(entry, ['serve'], { ...env, LOG_LEVEL: 'warn' }, name);

/**
 * An app-api on the stack's own databases (its users and sessions, the mirror), and a DAPP with
 * the stack's identities for queries only: a database of its own and no Kafka, so it takes no
 * part in the stack's requests.
 */
export async function startServiceProcesses(stack: RealStack): Promise<ServiceProcesses> {
  const running: ServiceProcess[] = [];
  const stop = async () => {
    for (const service of running.reverse()) {
      await stopWithSignal(service, 'SIGTERM', 60_000).catch(() => undefined);
    }
  };
  try {
    const dapp = await started(DAPP_ENTRY, 'the DAPP', {
      ...stack.dappEnv,
      DATABASE_URL: await stack.databases.extraUrl('bench-dapp'),
      KAFKA_BROKERS: '',
    });
    running.push(dapp.service);
    const api = await started(API_ENTRY, 'the app-api', { ...stack.apiEnv, DAPP_URL: dapp.base });
    running.push(api.service);
    return { apiBase: api.base, dappBase: dapp.base, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
