// SPDX-License-Identifier: Apache-2.0
import { sql } from 'kysely';

import type {
  ChannelMember,
  Consenter,
  ConsensusState,
  OrdererOrg,
  Ordering,
} from '../decode/channel-config';
import type { MirrorDb } from './schema';

export type {
  ChannelMember,
  Consenter,
  ConsensusState,
  OrdererOrg,
  Ordering,
} from '../decode/channel-config';

/** A channel's membership as its newest mirrored config block sets it. */
export interface ChannelMembership {
  channel: string;
  /** The config block it comes from. */
  configBlock: number;
  members: ChannelMember[];
  ordererOrgs: OrdererOrg[];
  /**
   * How that config block has the channel ordered; null for a config without a ConsensusType
   * value, and for one recorded before the mirror kept ordering (migration 7).
   */
  ordering: Ordering | null;
}

/** The ordering one config block of a channel sets. */
export interface ConfigOrdering {
  configBlock: number;
  ordering: Ordering | null;
}

interface OrderingColumns {
  block_number: string;
  consensus_type: string | null;
  consensus_state: ConsensusState | null;
  consenters: Consenter[] | null;
  kafka_brokers: string[] | null;
}

interface ConfigRow extends OrderingColumns {
  channel: string;
  members: ChannelMember[];
  orderer_orgs: OrdererOrg[];
}

function orderingOf(row: OrderingColumns): Ordering | null {
  // the migration keeps the four columns NULL together
  if (row.consensus_type === null || row.consensus_state === null) return null;
  return {
    consensusType: row.consensus_type,
    state: row.consensus_state,
    consenters: row.consenters ?? [],
    kafkaBrokers: row.kafka_brokers ?? [],
  };
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
    SELECT DISTINCT ON (channel) channel, block_number, members, orderer_orgs,
           consensus_type, consensus_state, consenters, kafka_brokers
    FROM channel_configs
    WHERE ${channel === undefined ? sql`TRUE` : sql`channel = ${channel}`}
    ORDER BY channel, block_number DESC`.execute(db);
  return rows.map((row) => ({
    channel: row.channel,
    configBlock: Number(row.block_number),
    members: row.members,
    ordererOrgs: row.orderer_orgs,
    ordering: orderingOf(row),
  }));
}

/** The most config blocks `orderingHistory` answers. */
export const ORDERING_HISTORY_MAX = 100;

/**
 * The ordering of a channel's mirrored config blocks, newest first (at most `limit`, up to
 * ORDERING_HISTORY_MAX): one entry per config block, so a Kafka to Raft migration reads as
 * etcdraft (normal) ← etcdraft (maintenance) ← kafka (maintenance) ← kafka (normal).
 */
export async function orderingHistory(
  db: MirrorDb,
  channel: string,
  limit = 20,
): Promise<ConfigOrdering[]> {
  const bounded = Math.max(1, Math.min(Math.trunc(limit), ORDERING_HISTORY_MAX));
  const { rows } = await sql<OrderingColumns>`
    SELECT block_number, consensus_type, consensus_state, consenters, kafka_brokers
    FROM channel_configs
    WHERE channel = ${channel}
    ORDER BY block_number DESC
    LIMIT ${bounded}`.execute(db);
  return rows.map((row) => ({ configBlock: Number(row.block_number), ordering: orderingOf(row) }));
}
