// SPDX-License-Identifier: Apache-2.0
import type { ChaincodeEventRow, MirrorDb } from '@consortia/datasync/read';
import { chaincodeEventsAfter, checkpoints } from '@consortia/datasync/read';

import type { Batch, EventPosition, StreamEvent, Subscription } from './model';
import { eventId, nameFilter, permissionToRead } from './model';
import type { OwnerAccess } from './store';

interface Waiter {
  channel: string;
  block: number;
  resolve: () => void;
  timer: NodeJS.Timeout;
}

/** How many head changes per channel are remembered for {@link HeadWatcher.heldSince}. */
const SEEN_HEADS = 1024;

/**
 * Wakes deliveries when a channel's mirror passes a block. One query of datasync's checkpoints
 * per interval serves every waiting subscription, and it runs only while someone waits. It
 * also remembers when each head was first seen, so a batch's wait counts from when its first
 * event was mirrored rather than from when a delivery loop got round to reading it.
 */
export class HeadWatcher {
  readonly #waiters = new Set<Waiter>();
  /** Per channel, ascending: a head and when it was first seen (by a read, poll or notice). */
  readonly #seen = new Map<string, { block: number; at: number }[]>();
  #timer?: NodeJS.Timeout;
  #closed = false;

  constructor(
    private readonly readHeads: () => Promise<Map<string, number>>,
    private readonly pollMs: number,
  ) {}

  /** The channel's last mirrored block now (-1 before the first). */
  async head(channel: string): Promise<number> {
    return this.#observed(await this.readHeads()).get(channel) ?? -1;
  }

  /**
   * Since when this process has known the mirror to hold `block` of `channel` (the first head
   * seen at or past it); undefined when no head that far has been seen yet.
   */
  heldSince(channel: string, block: number): number | undefined {
    return this.#seen.get(channel)?.find((seen) => seen.block >= block)?.at;
  }

  #record(channel: string, block: number): void {
    const seen = this.#seen.get(channel) ?? [];
    const last = seen.at(-1);
    if (last && last.block >= block) return;
    seen.push({ block, at: Date.now() });
    if (seen.length > SEEN_HEADS) seen.splice(0, seen.length - SEEN_HEADS);
    this.#seen.set(channel, seen);
  }

  #observed(heads: Map<string, number>): Map<string, number> {
    for (const [channel, block] of heads) this.#record(channel, block);
    return heads;
  }

  /** Resolves once the channel's mirror is past `block`, or after `timeoutMs`, or on close. */
  waitBeyond(channel: string, block: number, timeoutMs: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        channel,
        block,
        resolve: () => {
          clearTimeout(waiter.timer);
          this.#waiters.delete(waiter);
          resolve();
        },
        timer: setTimeout(() => waiter.resolve(), Math.max(0, timeoutMs)),
      };
      this.#waiters.add(waiter);
      this.#schedule();
    });
  }

  /** A channel reached `block` (datasync's notification): its waiters wake without a poll. */
  notify(channel: string, block: number): void {
    this.#record(channel, block);
    for (const waiter of [...this.#waiters]) {
      if (waiter.channel === channel && block > waiter.block) waiter.resolve();
    }
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const waiter of [...this.#waiters]) waiter.resolve();
  }

  #schedule(): void {
    if (this.#timer || this.#closed || this.#waiters.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#poll();
    }, this.pollMs);
  }

  async #poll(): Promise<void> {
    try {
      const heads = this.#observed(await this.readHeads());
      for (const waiter of [...this.#waiters]) {
        if ((heads.get(waiter.channel) ?? -1) > waiter.block) waiter.resolve();
      }
    } catch {
      // The mirror is unreachable for now; waiters time out and their readers report it.
    }
    this.#schedule();
  }
}

export function toStreamEvent(channel: string, row: ChaincodeEventRow): StreamEvent {
  const position = positionOf(row);
  return {
    id: eventId(channel, position),
    channel,
    blockNumber: position.block,
    txIndex: position.txIndex,
    eventIndex: position.eventIndex,
    txId: row.tx_id,
    chaincode: row.chaincode,
    eventName: row.event_name,
    timestamp: row.timestamp ? row.timestamp.toISOString() : null,
    creatorMsp: row.creator_msp,
    payload: row.payload_json ?? row.payload.toString('base64'),
  };
}

const positionOf = (row: ChaincodeEventRow): EventPosition => ({
  block: Number(row.block_number),
  txIndex: row.tx_index,
  eventIndex: row.event_index,
});

export class OwnerDisabledError extends Error {
  constructor() {
    super('the subscription’s owner is disabled or no longer exists');
  }
}

/** Reads subscriptions' events from the mirror, in ledger order, a batch at a time. */
export class EventSource {
  readonly watcher: HeadWatcher;

  constructor(
    private readonly db: MirrorDb,
    pollMs: number,
  ) {
    this.watcher = new HeadWatcher(() => checkpoints(db), pollMs);
  }

  read(subscription: Subscription, after: EventPosition, limit: number) {
    return chaincodeEventsAfter(this.db, {
      channel: subscription.channel,
      chaincode: subscription.chaincode,
      after,
      name: nameFilter(subscription),
      payloadContains:
        Object.keys(subscription.payloadFilters).length > 0
          ? subscription.payloadFilters
          : undefined,
      limit,
    });
  }

  /**
   * The next batch after `after`: as soon as `batchSize` events exist, or when the first event
   * has waited `batchWaitMs` since it was mirrored (events that came while the last batch was
   * out have waited already); nothing before `idleMs` passes without any event (undefined then).
   * Events the owner may not read are left out, but the batch still moves past them.
   */
  async nextBatch(
    subscription: Subscription,
    after: EventPosition,
    access: OwnerAccess,
    idleMs: number,
    stopped: () => boolean = () => false,
  ): Promise<Batch | undefined> {
    if (access.disabled) throw new OwnerDisabledError();
    const started = Date.now();
    let firstSeen: number | undefined;
    for (;;) {
      // The head is read first: every block up to it is visible to the read that follows.
      const head = await this.watcher.head(subscription.channel);
      const rows = await this.read(subscription, after, subscription.batchSize);
      const now = Date.now();
      const first = rows[0];
      if (first) {
        const mirrored = this.watcher.heldSince(subscription.channel, Number(first.block_number));
        firstSeen ??= Math.min(now, mirrored ?? now);
      }
      const full = rows.length >= subscription.batchSize;
      const waited = firstSeen !== undefined && now - firstSeen >= subscription.batchWaitMs;
      if (full || waited || (rows.length > 0 && stopped())) {
        return this.#batch(subscription, after, rows, access);
      }
      if (stopped()) return undefined;
      const remaining =
        firstSeen !== undefined
          ? subscription.batchWaitMs - (now - firstSeen)
          : idleMs - (now - started);
      if (remaining <= 0) return undefined;
      await this.watcher.waitBeyond(subscription.channel, head, remaining);
    }
  }

  #batch(
    subscription: Subscription,
    after: EventPosition,
    rows: ChaincodeEventRow[],
    access: OwnerAccess,
  ): Batch {
    const last = rows.at(-1);
    return {
      subscriptionId: subscription.id,
      after,
      through: last ? positionOf(last) : after,
      events: rows
        .filter((row) => access.permissions.has(permissionToRead(row.event_name)))
        .map((row) => toStreamEvent(subscription.channel, row)),
    };
  }

  close(): void {
    this.watcher.close();
  }
}
