// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';
import type { MirrorDb } from '@consortia/datasync/read';
import { blocksBetween, checkpoints } from '@consortia/datasync/read';

import type { LiveBlock } from '../http/api-types';

export type LiveListener = (block: LiveBlock) => void;

/** At most this many blocks are announced per channel per poll; a catch-up burst is summarised. */
const MAX_ANNOUNCED = 50;

/**
 * Announces blocks as datasync mirrors them. It polls the `checkpoints` table (one tiny row per
 * channel) while anyone listens, and reads the blocks between the last seen and the new
 * checkpoint. Polling keeps the explorer working with a read-only database role, which LISTEN
 * would not change, and costs one index lookup per interval.
 */
export class LiveFeed {
  readonly #listeners = new Set<LiveListener>();
  #known?: Map<string, number>;
  #timer?: NodeJS.Timeout;
  #polling?: Promise<void>;
  #stopped = false;

  constructor(
    private readonly db: MirrorDb,
    private readonly pollMs: number,
    private readonly logger?: Logger,
  ) {}

  get listenerCount(): number {
    return this.#listeners.size;
  }

  subscribe(listener: LiveListener): () => void {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1 && !this.#stopped) this.#schedule(0);
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) {
        clearTimeout(this.#timer);
        this.#timer = undefined;
        // the next listener starts from whatever is current then
        this.#known = undefined;
      }
    };
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#polling = this.poll()
        .catch((error: unknown) => this.logger?.warn({ err: error }, 'live feed poll failed'))
        .finally(() => {
          this.#polling = undefined;
          if (this.#listeners.size > 0 && !this.#stopped) this.#schedule(this.pollMs);
        });
    }, delayMs);
  }

  /** One round: compare checkpoints with the last seen ones and announce the new blocks. */
  async poll(): Promise<void> {
    const current = await checkpoints(this.db);
    const known = this.#known;
    this.#known = current;
    if (!known) return;
    for (const [channel, last] of current) {
      const seen = known.get(channel) ?? -1;
      if (last <= seen) continue;
      const from = Math.max(seen + 1, last - MAX_ANNOUNCED + 1);
      const blocks = await blocksBetween(this.db, channel, from, last);
      for (const row of blocks) {
        this.#announce({
          channel,
          number: Number(row.number),
          hash: row.hash,
          txCount: row.tx_count,
          validCount: Number(row.valid_count),
          timestamp: row.timestamp ? row.timestamp.toISOString() : null,
        });
      }
    }
  }

  #announce(block: LiveBlock): void {
    for (const listener of this.#listeners) {
      try {
        listener(block);
      } catch (error) {
        this.logger?.warn({ err: error }, 'live listener failed');
      }
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#listeners.clear();
    await this.#polling;
  }
}
