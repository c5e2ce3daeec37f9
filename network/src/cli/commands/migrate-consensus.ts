// SPDX-License-Identifier: Apache-2.0
import type { Command } from 'commander';

import { migrateConsensus } from '../../consensus-migration/migrate';
import { consortiaHome } from '../../install';
import { progress } from '../output';
import { addStateDir, stateDirOf } from './network';

interface MigrateFlags {
  stateDir?: string;
  to: string;
  dryRun?: boolean;
  channelParticipation?: boolean;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function registerMigrateConsensus(program: Command): void {
  addStateDir(
    program
      .command('migrate-consensus')
      .description(
        "move a running Kafka-ordered network's ordering service to Raft (Fabric's maintenance-mode migration); resumable",
      )
      .requiredOption('--to <type>', 'the consensus type to migrate to: etcdraft')
      .option('--dry-run', 'print the plan and the config updates, change nothing')
      .option(
        '--channel-participation',
        'then remove the system channel from every orderer (osnadmin), as Fabric 3 requires; also on a network migrated already',
      ),
  ).action(async (flags: MigrateFlags) => {
    const result = await migrateConsensus({
      home: consortiaHome(),
      stateDir: stateDirOf(flags),
      to: flags.to,
      dryRun: Boolean(flags.dryRun),
      channelParticipation: Boolean(flags.channelParticipation),
      progress,
    });
    if (result.alreadyDone || result.dryRun) return;
    for (const step of result.steps) progress(`  ${step.id}: ${seconds(step.ms)}`);
    progress(`migrated to etcdraft in ${seconds(result.totalMs)}`);
  });
}
