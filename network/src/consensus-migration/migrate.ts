// SPDX-License-Identifier: Apache-2.0
/**
 * `consortia migrate-consensus --to etcdraft`: Fabric 2.5's Kafka to Raft migration of a running
 * local network, as one resumable command. The steps and what each does are in ./record.ts and
 * ./steps.ts; this module checks the preconditions, runs the steps not yet recorded as done and
 * records each as it completes, or with --dry-run prints the plan and the config updates.
 */
import fs from 'node:fs';

import { UserError } from '../errors';
import { loadNetwork } from '../operations/status';
import { optionsFromManifest } from '../state/manifest';
import { SYSTEM_CHANNEL } from '../templates/configtx';
import { buildTopology } from '../topology/topology';
import { orderedChannels } from './channels';
import { printDryRun } from './dry-run';
import { checkPreconditions } from './preconditions';
import type { MigrationRecord, MigrationStepId } from './record';
import {
  migrationRecordPath,
  newMigrationRecord,
  pendingSteps,
  readMigrationRecord,
  writeMigrationRecord,
} from './record';
import type { MigrationContext } from './steps';
import { STEP_RUNNERS } from './steps';

export interface MigrateOptions {
  home: string;
  stateDir: string;
  to: string;
  dryRun?: boolean;
  /** Also the optional last step: remove the system channel (channel participation). */
  channelParticipation?: boolean;
  progress: (message: string) => void;
  /** Where --dry-run writes the plan and the updates (default: stdout). */
  print?: (text: string) => void;
}

export interface MigrateResult {
  /** Already migrated when the command started: nothing was done. */
  alreadyDone: boolean;
  dryRun: boolean;
  /** Each step this run carried out, with how long it took. */
  steps: { id: MigrationStepId; ms: number }[];
  totalMs: number;
}

/** The network as it is and as it becomes, from its network.json (Kafka or mid-migration). */
function migrationContext(options: MigrateOptions): MigrationContext {
  const { manifest } = loadNetwork(options.stateDir);
  const current = optionsFromManifest(manifest, options.stateDir, {});
  const before = buildTopology({ ...current, consensus: 'kafka', systemChannel: undefined });
  const after = buildTopology({
    ...current,
    consensus: 'etcdraft',
    orderers: before.orderers.length,
    systemChannel: true,
  });
  return {
    home: options.home,
    stateDir: options.stateDir,
    manifest,
    before,
    after,
    // once its removal has begun, the system channel is no longer one to read or edit
    channels: orderedChannels(before).filter(
      (channel) => manifest.systemChannel !== false || channel !== SYSTEM_CHANNEL,
    ),
    progress: options.progress,
  };
}

/** Refuses what cannot be migrated; true when the network is already migrated. */
function assertMigratable(
  options: MigrateOptions,
  context: MigrationContext,
  record: MigrationRecord | undefined,
): boolean {
  if (options.to !== 'etcdraft') {
    throw new UserError(
      `cannot migrate to '${options.to}': Fabric 2.5 migrates ordering from kafka to etcdraft only`,
      'pass --to etcdraft',
    );
  }
  if (context.manifest.consensus !== 'etcdraft') return false;
  if (record?.finishedAt) {
    return !options.channelParticipation || record.completed['remove-system-channel'] !== undefined;
  }
  if (!record) {
    throw new UserError(
      `the network in ${options.stateDir} was created with Raft ordering; there is nothing to migrate`,
    );
  }
  return false;
}

/** Holds the state dir's migration lock while `work` runs: two runs would interleave updates. */
async function withMigrationLock<T>(stateDir: string, work: () => Promise<T>): Promise<T> {
  const file = `${migrationRecordPath(stateDir)}.lock`;
  try {
    fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = Number(fs.readFileSync(file, 'utf8'));
    let alive: boolean;
    try {
      process.kill(holder, 0);
      alive = holder !== process.pid;
    } catch {
      alive = false;
    }
    if (alive) {
      throw new UserError(
        `a migration of ${stateDir} is already running (pid ${holder})`,
        'wait for it, or stop it; a later run continues where it stopped',
      );
    }
    fs.writeFileSync(file, String(process.pid));
  }
  try {
    return await work();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

export async function migrateConsensus(options: MigrateOptions): Promise<MigrateResult> {
  const started = Date.now();
  const context = migrationContext(options);
  let record = readMigrationRecord(options.stateDir);
  const result: MigrateResult = {
    alreadyDone: false,
    dryRun: Boolean(options.dryRun),
    steps: [],
    totalMs: 0,
  };
  if (assertMigratable(options, context, record)) {
    options.progress(
      `the network in ${options.stateDir} is already Raft-ordered (migrated ${record?.finishedAt ?? ''})`,
    );
    return { ...result, alreadyDone: true };
  }
  const channels = await checkPreconditions(context, record);
  if (options.dryRun) {
    await printDryRun(
      context,
      record,
      channels,
      options.print ?? ((text) => process.stdout.write(text)),
      Boolean(options.channelParticipation),
    );
    return { ...result, totalMs: Date.now() - started };
  }
  return withMigrationLock(options.stateDir, async () => {
    if (record?.finishedAt) {
      options.progress(`the migration finished ${record.finishedAt}; now channel participation`);
    } else if (record) {
      options.progress(`resuming the migration started ${record.startedAt}`);
    } else {
      record = newMigrationRecord();
      writeMigrationRecord(options.stateDir, record);
    }
    for (const step of pendingSteps(record, options.channelParticipation)) {
      const stepStarted = Date.now();
      options.progress(`step ${step.id}: ${step.title}`);
      await STEP_RUNNERS[step.id](context);
      record.completed[step.id] = new Date().toISOString();
      writeMigrationRecord(options.stateDir, record);
      result.steps.push({ id: step.id, ms: Date.now() - stepStarted });
    }
    record.finishedAt = new Date().toISOString();
    writeMigrationRecord(options.stateDir, record);
    return { ...result, totalMs: Date.now() - started };
  });
}
