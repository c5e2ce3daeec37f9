// SPDX-License-Identifier: Apache-2.0
/**
 * The local shortcut through the envelope flow: every admin's environment is on this machine, so
 * one command creates the envelope file, has just the admins the policies need sign it, submits
 * it and waits until the channel's configuration shows the change.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { ConfigAdmin, ConfigUpdateContext } from '../fabric/config-update';
import { fetchChannelConfig, ordererAdmin } from '../fabric/config-update';
import { waitFor } from '../process/wait';
import { SYSTEM_CHANNEL } from '../templates/configtx';
import type { Topology } from '../topology/topology';
import { CONSORTIUM } from '../templates/configtx';
import { applicationMembers } from './channel-members';
import type { MembershipChange } from './update-files';
import {
  createMembershipUpdate,
  defaultReader,
  envelopeStatus,
  signEnvelopeFile,
  submitEnvelopeFile,
} from './update-files';

/** Whether the network's orderers keep a system channel (Kafka, or Raft migrated from Kafka). */
export function hasSystemChannel(topology: Topology): boolean {
  return topology.options.consensus === 'kafka' || topology.options.systemChannel === true;
}

/** Where a membership change's envelope files are kept, as a record of who signed what. */
export function membershipDir(topology: Topology): string {
  return path.join(topology.paths.config, 'membership');
}

function membersOf(config: Parameters<typeof applicationMembers>[0], channel: string): string[] {
  if (channel !== SYSTEM_CHANNEL) return applicationMembers(config);
  const consortiums = (config.channel_group as { groups?: Record<string, unknown> }).groups
    ?.Consortiums as { groups?: Record<string, { groups?: Record<string, unknown> }> } | undefined;
  return Object.keys(consortiums?.groups?.[CONSORTIUM]?.groups ?? {});
}

export interface ChangeRequest {
  channel: string;
  change: MembershipChange;
  mspId: string;
  /** Admins that may sign, in order of preference; the first submits. */
  admins: ConfigAdmin[];
  label: string;
}

/**
 * Creates, signs (only as far as the policies require) and submits one membership change, then
 * waits for it to show in the channel's configuration. Returns the envelope file, or undefined
 * when the channel already reflected the change.
 */
export async function changeMembership(
  context: ConfigUpdateContext & { progress: (line: string) => void },
  request: ChangeRequest,
): Promise<string | undefined> {
  const { channel, admins, mspId } = request;
  const joining = 'add' in request.change;
  const isMember = async () =>
    membersOf(
      await fetchChannelConfig(context, channel, defaultReader(context.topology, channel)),
      channel,
    ).includes(mspId);
  // a run that stopped after this update went through does not make it again
  if ((await isMember()) === joining) {
    context.progress(`channel ${channel} already reflects ${request.label}`);
    return undefined;
  }
  const submitter = admins[0] ?? ordererAdmin(context.topology);
  fs.mkdirSync(membershipDir(context.topology), { recursive: true });
  const file = path.join(
    membershipDir(context.topology),
    `${new Date().toISOString().replace(/[:.]/g, '-')}-${request.label}-${channel}.pb`,
  );
  context.progress(`creating the config update of channel ${channel}: ${request.label}`);
  await createMembershipUpdate(context, { channel, change: request.change, output: file });
  for (const admin of admins.slice(1)) {
    const status = await envelopeStatus(context, file, { extra: [submitter] });
    if (status.complete) break;
    if (!status.stillToSign.includes(admin.mspId)) continue;
    context.progress(`signing it as ${admin.mspId}'s admin`);
    await signEnvelopeFile(context, file, admin);
  }
  context.progress(`submitting it as ${submitter.mspId}'s admin`);
  await submitEnvelopeFile(context, file, submitter);
  await waitFor(
    `channel ${channel}'s configuration to ${joining ? 'include' : 'drop'} ${mspId}`,
    async () => (await isMember()) === joining,
    { timeoutMs: 60_000, intervalMs: 1000 },
  );
  return file;
}
