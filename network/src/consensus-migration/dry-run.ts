// SPDX-License-Identifier: Apache-2.0
/**
 * --dry-run: the plan with each step's status, and the config updates the migration would
 * submit, computed by configtxlator from each channel's current config with the earlier edits
 * applied in turn. Nothing is submitted and nothing is stopped or started.
 */
import path from 'node:path';

import type { Json } from '../fabric/config-update';
import { readUpdateEnvelope, withScratchDir, writeUpdateEnvelope } from '../fabric/config-update';
import type { ChannelConsensus } from './channels';
import type { ConsensusEdit } from './consensus-type';
import { applyEdit, editNeeded, readConsensusType } from './consensus-type';
import type { MigrationRecord } from './record';
import { plannedSteps } from './record';
import type { MigrationContext } from './steps';
import { migrationMetadata } from './steps';

const EDITS: ConsensusEdit[] = ['enter-maintenance', 'switch-to-raft', 'leave-maintenance'];

/** Certificates make the updates long; the plan shows where they go, not their bytes. */
function abbreviateCertificates(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(abbreviateCertificates);
  if (typeof value !== 'object' || value === null) return value;
  const out: Json = {};
  for (const [key, inner] of Object.entries(value as Json)) {
    out[key] =
      key.endsWith('_tls_cert') && typeof inner === 'string'
        ? `<PEM certificate, ${inner.length} base64 characters>`
        : abbreviateCertificates(inner);
  }
  return out;
}

export async function printDryRun(
  context: MigrationContext,
  record: MigrationRecord | undefined,
  channels: readonly ChannelConsensus[],
  print: (text: string) => void,
  participation = false,
): Promise<void> {
  print(`Plan: migrate ${context.stateDir} from kafka to etcdraft (dry run: nothing changes)\n`);
  print(
    `Channels: ${channels.map((channel) => `${channel.channel} (${channel.type}, ${channel.state})`).join(', ')}\n`,
  );
  print(
    `Raft consenters: ${context.after.orderers.map((orderer) => `${orderer.name} ${orderer.port}`).join(', ')}\n`,
  );
  plannedSteps(participation).forEach((step, index) => {
    const done = record?.completed[step.id];
    print(`  ${index + 1}. ${step.id}: ${step.title}${done ? ` (done ${done})` : ''}\n`);
  });
  const metadata = migrationMetadata(context);
  const config = { home: context.home, topology: context.before };
  for (const channel of channels) {
    let current = channel.config;
    for (const goal of EDITS) {
      const edit = editNeeded(readConsensusType(current), goal);
      if (!edit) continue;
      const updated = structuredClone(current);
      applyEdit(updated, edit, metadata);
      const update = await withScratchDir('dry-run', async (dir) => {
        const file = path.join(dir, 'update.pb');
        await writeUpdateEnvelope(config, channel.channel, current, updated, file);
        return (await readUpdateEnvelope(config, file)).update;
      });
      print(
        `\nConfig update for channel ${channel.channel} (${edit}), signed by the ordering service's admin:\n`,
      );
      print(`${JSON.stringify(abbreviateCertificates(update), null, 2)}\n`);
      current = updated;
    }
  }
}
