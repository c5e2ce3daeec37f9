// SPDX-License-Identifier: Apache-2.0
/**
 * At most `limit` tasks started and not yet settled, so a producer of tasks waits for room. A
 * place is checked and taken in one step, so producers woken by the same settle cannot all take
 * the one place it freed.
 */
export class SettleWindow {
  private open = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Resolves once a place is free, and takes it; give it back with `settled()`. */
  async enter(): Promise<void> {
    while (this.open >= this.limit) await this.change();
    this.open += 1;
  }

  settled(): void {
    this.open -= 1;
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Resolves once no task is open. */
  async empty(): Promise<void> {
    while (this.open > 0) await this.change();
  }

  private change(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
