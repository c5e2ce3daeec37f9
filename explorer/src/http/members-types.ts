// SPDX-License-Identifier: Apache-2.0
/** The members API's JSON. Types only, shared with the web front end. */
import type { ChannelMembership } from '@consortia/datasync/read';

export type { ChannelMember, OrdererOrg } from '@consortia/datasync/read';

/** A channel's members; `configBlock` is null until datasync mirrored a config block of it. */
export type MembersAnswer = Omit<ChannelMembership, 'configBlock'> & { configBlock: number | null };
