// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../errors';
import type { PidRecord, StopResult } from '../process/supervisor';
import { listPidRecords, stopDaemon } from '../process/supervisor';

/**
 * Stop order: what depends on others goes first (the app-api and the explorer, which use the DAPP
 * and the mirror; the DAPPs and datasyncs; chaincode services; peers; orderers; Kafka; the CAs).
 */
function stopRank(name: string): number {
  if (name === 'app-api' || name === 'explorer') return -2;
  // an added organization's own ones too (dapp.org3, datasync.org3)
  if (/^(dapp|datasync)(\.|$)/.test(name)) return -1;
  if (name.startsWith('chaincode-')) return 0;
  if (name.startsWith('peer')) return 1;
  if (name.startsWith('orderer')) return 2;
  if (name === 'kafka') return 3;
  // the CAs only issue certificates, which the nodes have by then
  if (name.startsWith('ca-')) return 4;
  return -1;
}

/** The records grouped by stop rank, in stop order; one group's processes stop together. */
function stopGroups<T extends { name: string }>(records: readonly T[]): T[][] {
  const groups = new Map<number, T[]>();
  for (const record of byStopOrder(records)) {
    const rank = stopRank(record.name);
    groups.set(rank, [...(groups.get(rank) ?? []), record]);
  }
  return [...groups.values()];
}

export function byStopOrder<T extends { name: string }>(records: readonly T[]): T[] {
  return [...records].sort(
    (a, b) => stopRank(a.name) - stopRank(b.name) || a.name.localeCompare(b.name),
  );
}

/** Stops the given processes (those one command started), most dependent first. */
export async function stopStarted(runDir: string, records: readonly PidRecord[]): Promise<void> {
  for (const group of stopGroups(records)) {
    await Promise.all(group.map((record) => stopDaemon(runDir, record.name)));
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
  // Processes of one rank do not depend on each other: they stop in parallel, so stopping takes
  // about the slowest of each rank rather than the sum of all.
  for (const group of stopGroups(listPidRecords(runDir))) {
    stopped.push(
      ...(await Promise.all(
        group.map(async (record) => ({
          name: record.name,
          result: await stopDaemon(runDir, record.name),
        })),
      )),
    );
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
