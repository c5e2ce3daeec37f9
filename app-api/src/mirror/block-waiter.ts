// SPDX-License-Identifier: Apache-2.0
import type { Freshness } from './reader';

export interface BlockWaiterOptions {
  /** How often the one shared query runs while anyone waits. */
  pollMs: number;
  /** Waiters at most; beyond, a wait ends at once unreached (the caller answers "behind"). */
  maxWaiters: number;
}

interface Waiter {
  block: number;
  resolve: (outcome: { reached: boolean; freshness: Freshness }) => void;
  timer: NodeJS.Timeout;
}

/**
 * Waits for the mirror to apply a block, for any number of requests at the cost of one query
 * per interval: a single poller reads the freshness while someone waits and wakes every waiter
 * whose block it has reached. A request never holds a pool connection while it waits, and the
 * number of waiters is bounded.
 */
export class BlockWaiter {
  readonly #waiters = new Set<Waiter>();
  #timer?: NodeJS.Timeout;
  #reading?: Promise<Freshness>;
  #last?: Freshness;
  #closed = false;

  constructor(
    private readonly read: () => Promise<Freshness>,
    private readonly options: BlockWaiterOptions,
  ) {}

  get waiting(): number {
    return this.#waiters.size;
  }

  async wait(
    block: number,
    timeoutMs: number,
  ): Promise<{ reached: boolean; freshness: Freshness }> {
    const now = await this.#read();
    if (now.syncedBlock >= block) return { reached: true, freshness: now };
    if (timeoutMs <= 0 || this.#closed || this.#waiters.size >= this.options.maxWaiters) {
      return { reached: false, freshness: now };
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        block,
        resolve,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          resolve({ reached: false, freshness: this.#last ?? now });
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
      this.#schedule();
    });
  }

  /** One query for every caller that asks while it runs. */
  #read(): Promise<Freshness> {
    this.#reading ??= this.read()
      .then((freshness) => {
        this.#last = freshness;
        return freshness;
      })
      .finally(() => {
        this.#reading = undefined;
      });
    return this.#reading;
  }

  #schedule(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => void this.#poll(), this.options.pollMs);
  }

  async #poll(): Promise<void> {
    try {
      if (this.#waiters.size === 0) return;
      const freshness = await this.#read();
      for (const waiter of this.#waiters) {
        if (freshness.syncedBlock < waiter.block) continue;
        clearTimeout(waiter.timer);
        this.#waiters.delete(waiter);
        waiter.resolve({ reached: true, freshness });
      }
    } catch {
      // the mirror could not be read this time: waiters keep waiting until their deadline
    } finally {
      this.#timer = undefined;
      if (this.#waiters.size > 0) this.#schedule();
    }
  }

  /** Ends every wait unreached (at shutdown). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve({ reached: false, freshness: this.#last ?? emptyFreshness() });
    }
    this.#waiters.clear();
  }
}

function emptyFreshness(): Freshness {
  return {
    channel: '',
    syncedBlock: -1,
    lastBlockHash: null,
    lastBlockTimestamp: null,
    syncedAt: null,
  };
}
