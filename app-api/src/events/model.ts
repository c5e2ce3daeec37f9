// SPDX-License-Identifier: Apache-2.0
import type { EventPosition, LedgerEvent } from '@consortia/datasync/read';

import type { Permission } from '../auth/permissions';

export type { EventPosition } from '@consortia/datasync/read';

export type SubscriptionState = 'active' | 'paused' | 'parked';
export type Delivery = 'websocket' | 'webhook';
export type Owner = 'user' | 'organization';

/** What a subscription selects, and where it has got to. */
export interface Subscription {
  id: string;
  name: string;
  owner: Owner;
  /** The user who created it; an organization's subscription delivers what they may read. */
  ownerUserId: string;
  ownerUsername: string;
  channel: string;
  chaincode: string;
  /** An exact event name, or a pattern with `*` (any run of characters) and `?` (one). */
  eventFilter: string;
  filterKind: 'exact' | 'pattern';
  /** Top-level payload fields and the JSON values they must have. */
  payloadFilters: Record<string, unknown>;
  delivery: Delivery;
  webhookUrl: string | null;
  batchSize: number;
  batchWaitMs: number;
  state: SubscriptionState;
  /** Why the subscription is paused or parked (ACK_TIMEOUT, WEBHOOK_FAILED, OWNER_DISABLED …). */
  stateReason: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  /** The last acknowledged event; delivery resumes strictly after it. */
  checkpoint: EventPosition;
  deliveredEvents: number;
  createdAt: string;
  updatedAt: string;
}

/** One chaincode event as it is delivered. */
export interface StreamEvent extends LedgerEvent {
  /** Stable across redeliveries: `<channel>:<block>:<txIndex>:<eventIndex>`. */
  id: string;
  timestamp: string | null;
  creatorMsp: string | null;
  /** The payload as JSON, or base64 text when it is not JSON. */
  payload: unknown;
}

export interface Batch {
  subscriptionId: string;
  /** The position the batch starts after (its first event is the next one). */
  after: EventPosition;
  /** The position acknowledging the batch moves the checkpoint to. */
  through: EventPosition;
  events: StreamEvent[];
}

export const eventId = (channel: string, position: EventPosition): string =>
  `${channel}:${position.block}:${position.txIndex}:${position.eventIndex}`;

/** The position before every event of `block` (events after it start at that block). */
export const beforeBlock = (block: number): EventPosition => ({
  block,
  txIndex: -1,
  eventIndex: -1,
});

export function compare(a: EventPosition, b: EventPosition): number {
  return a.block - b.block || a.txIndex - b.txIndex || a.eventIndex - b.eventIndex;
}

/** A `*`/`?` pattern as a LIKE pattern, with LIKE's own wildcards taken literally. */
export function likePattern(pattern: string): string {
  return pattern
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\*/g, '%')
    .replace(/\?/g, '_');
}

export function nameFilter(
  subscription: Pick<Subscription, 'eventFilter' | 'filterKind'>,
): { exact: string } | { like: string } | undefined {
  if (subscription.filterKind === 'exact') return { exact: subscription.eventFilter };
  if (subscription.eventFilter === '*') return undefined;
  return { like: likePattern(subscription.eventFilter) };
}

/**
 * The permission a reader needs to see an event: asset events show what the asset listing
 * shows, token events what the balances show; anything else is a raw transaction detail.
 */
export function permissionToRead(eventName: string): Permission {
  if (eventName.startsWith('Asset')) return 'assets:read';
  if (/^(Token|Tokens|Allowance|AdminOrg|MinterRule|Credits)[A-Z]/.test(eventName))
    return 'tokens:read';
  return 'transactions:read';
}
