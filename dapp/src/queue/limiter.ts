// SPDX-License-Identifier: Apache-2.0
/** At most `limit` tasks at once; the rest wait in arrival order. */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }

  get inFlight(): number {
    return this.active;
  }
}

/** Counts tasks started and not yet settled, so a producer of tasks can wait for room. */
export class SettleWindow {
  private open = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  opened(): void {
    this.open += 1;
  }

  settled(): void {
    this.open -= 1;
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Resolves once fewer than `limit` tasks are open. */
  async room(): Promise<void> {
    while (this.open >= this.limit) await this.change();
  }

  /** Resolves once no task is open. */
  async empty(): Promise<void> {
    while (this.open > 0) await this.change();
  }

  private change(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
