// SPDX-License-Identifier: Apache-2.0
/**
 * The migration's plan and its record of completed steps, kept in the state dir so a run that
 * crashed or was interrupted continues where it stopped. Each step also checks the network's
 * real state before acting, so one interrupted half-way is simply done again.
 */
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../errors';

export const MIGRATION_STEPS = [
  {
    id: 'enter-maintenance',
    title: 'put the system channel and every application channel into maintenance mode',
  },
  {
    id: 'switch-to-raft',
    title: "switch each channel's consensus type to etcdraft, with its Raft consenters",
  },
  { id: 'restart-orderers', title: 'restart the orderers as Raft nodes' },
  {
    id: 'check-leaders',
    title: 'check that every channel has a Raft leader and the orderers agree on its height',
  },
  { id: 'leave-maintenance', title: 'take every channel out of maintenance mode' },
  {
    id: 'check-heights',
    title: "check that every peer reaches the orderers' height of the application channel",
  },
  {
    id: 'stop-kafka',
    title:
      "close the DAPP's asynchronous intake, wait for its queue to drain, and stop the Kafka broker, which the orderers no longer use",
  },
  {
    id: 'add-orderers',
    title: 'add orderers one at a time until 3 Raft consenters tolerate the crash of one',
  },
] as const;

/** The optional last step, run when asked for (`--channel-participation`). */
export const PARTICIPATION_STEP = {
  id: 'remove-system-channel',
  title:
    'remove the system channel from every orderer, which then serve their channels through channel participation (osnadmin), as Fabric 3 requires',
} as const;

export type MigrationStepId =
  (typeof MIGRATION_STEPS)[number]['id'] | (typeof PARTICIPATION_STEP)['id'];

export interface MigrationRecord {
  formatVersion: 1;
  to: 'etcdraft';
  startedAt: string;
  /** Completion time of each step done, by step id. */
  completed: Partial<Record<MigrationStepId, string>>;
  finishedAt?: string;
}

export function migrationRecordPath(stateDir: string): string {
  return path.join(stateDir, 'consensus-migration.json');
}

export function newMigrationRecord(now = new Date()): MigrationRecord {
  return { formatVersion: 1, to: 'etcdraft', startedAt: now.toISOString(), completed: {} };
}

export function readMigrationRecord(stateDir: string): MigrationRecord | undefined {
  const file = migrationRecordPath(stateDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let record: Partial<MigrationRecord>;
  try {
    record = JSON.parse(text) as Partial<MigrationRecord>;
  } catch {
    record = {};
  }
  if (record.formatVersion !== 1 || record.to !== 'etcdraft' || !record.completed) {
    throw new UserError(
      `${file} is not a consensus migration record this version understands`,
      'inspect it; remove it only if no migration is under way',
    );
  }
  return record as MigrationRecord;
}

/** Written through a temporary file, so a crash never leaves half a record. */
export function writeMigrationRecord(stateDir: string, record: MigrationRecord): void {
  const file = migrationRecordPath(stateDir);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

/** The steps of a run: the migration's, then the optional one when asked for. */
export function plannedSteps(participation = false): { id: MigrationStepId; title: string }[] {
  return participation ? [...MIGRATION_STEPS, PARTICIPATION_STEP] : [...MIGRATION_STEPS];
}

/** The steps the record does not list as done, in order. */
export function pendingSteps(record: MigrationRecord | undefined, participation = false) {
  return plannedSteps(participation).filter((step) => record?.completed[step.id] === undefined);
}
