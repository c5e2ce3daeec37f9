// SPDX-License-Identifier: Apache-2.0
import { sql } from 'kysely';

import type { ChannelMember, OrdererOrg } from '../decode/channel-config';
import type { MirrorDb } from './schema';

export type { ChannelMember, OrdererOrg } from '../decode/channel-config';

/** A channel's membership as its newest mirrored config block sets it. */
export interface ChannelMembership {
  channel: string;
  /** The config block it comes from. */
  configBlock: number;
  members: ChannelMember[];
  ordererOrgs: OrdererOrg[];
}

interface ConfigRow {
  channel: string;
  block_number: string;
  members: ChannelMember[];
  orderer_orgs: OrdererOrg[];
}

/**
 * The newest config block's membership of each channel (or of one), read from the mirror on every
 * call, so an organization joins or leaves the answer as soon as datasync mirrors the block.
 * Empty for a channel whose config blocks were all mirrored before datasync recorded them.
 */
export async function channelMemberships(
  db: MirrorDb,
  channel?: string,
): Promise<ChannelMembership[]> {
  const { rows } = await sql<ConfigRow>`
    SELECT DISTINCT ON (channel) channel, block_number, members, orderer_orgs
    FROM channel_configs
    WHERE ${channel === undefined ? sql`TRUE` : sql`channel = ${channel}`}
    ORDER BY channel, block_number DESC`.execute(db);
  return rows.map((row) => ({
    channel: row.channel,
    configBlock: Number(row.block_number),
    members: row.members,
    ordererOrgs: row.orderer_orgs,
  }));
}
