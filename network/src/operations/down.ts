import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../errors';
import type { PidRecord, StopResult } from '../process/supervisor';
import { listPidRecords, stopDaemon } from '../process/supervisor';

/** Stop order: what depends on others goes first (chaincode services, then peers, orderers, Kafka). */
function stopRank(name: string): number {
  if (name.startsWith('chaincode-')) return 0;
  if (name.startsWith('peer')) return 1;
  if (name.startsWith('orderer')) return 2;
  if (name === 'kafka') return 3;
  return -1;
}

export function byStopOrder<T extends { name: string }>(records: readonly T[]): T[] {
  return [...records].sort(
    (a, b) => stopRank(a.name) - stopRank(b.name) || a.name.localeCompare(b.name),
  );
}

/** Stops the given processes (those one command started), most dependent first. */
export async function stopStarted(runDir: string, records: readonly PidRecord[]): Promise<void> {
  for (const record of byStopOrder(records)) {
    await stopDaemon(runDir, record.name);
  }
}

export interface DownResult {
  stopped: { name: string; result: StopResult }[];
  purged: boolean;
}

/**
 * Stops every process recorded in the state dir, by pid: SIGTERM, then SIGKILL after a grace
 * period. With purge, also removes the state dir, but only one that holds a network.json.
 */
export async function down(stateDir: string, purge: boolean): Promise<DownResult> {
  const runDir = path.join(stateDir, 'run');
  const stopped: DownResult['stopped'] = [];
  for (const record of byStopOrder(listPidRecords(runDir))) {
    stopped.push({ name: record.name, result: await stopDaemon(runDir, record.name) });
  }
  if (purge && fs.existsSync(stateDir)) {
    if (
      !fs.existsSync(path.join(stateDir, 'network.json')) &&
      fs.readdirSync(stateDir).length > 0
    ) {
      throw new UserError(
        `${stateDir} holds no network.json; refusing to delete a directory this tool did not create`,
        'remove it yourself if it is really disposable',
      );
    }
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  return { stopped, purged: purge };
}
