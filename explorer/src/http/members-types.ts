// SPDX-License-Identifier: Apache-2.0
/** The members API's JSON. Types only, shared with the web front end. */
import type { ChannelMembership, ConfigOrdering } from '@consortia/datasync/read';

export type {
  ChannelMember,
  ConfigOrdering,
  Consenter,
  OrdererOrg,
  Ordering,
} from '@consortia/datasync/read';

/**
 * A channel's members and ordering; `configBlock` is null (and `ordering` too) until datasync
 * mirrored a config block of it. `history` is the ordering of its newest config blocks, newest
 * first, one entry per config block (a Kafka to Raft migration shows each of its steps).
 */
export type MembersAnswer = Omit<ChannelMembership, 'configBlock'> & {
  configBlock: number | null;
  history: ConfigOrdering[];
};
