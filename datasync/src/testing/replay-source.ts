// SPDX-License-Identifier: Apache-2.0
import type { common } from '@hyperledger/fabric-protos';

import type { BlockSource, SourcedBlock } from '../source/block-source';

/**
 * Replaces the peer in tests: replays constructed blocks from the requested number, then waits
 * for live blocks appended later, like a peer's block event stream. It can drop blocks on its
 * first pass (to exercise gap refilling) and slow down to leave time for a crash.
 */
export class ReplayBlockSource implements BlockSource {
  readonly requests: number[] = [];
  #blocks: common.Block[];
  #byChannel?: Map<string, common.Block[]>;
  #dropOnce: Set<number>;
  #waiters: (() => void)[] = [];

  constructor(
    blocks: common.Block[] | Record<string, common.Block[]>,
    private readonly options: { delayMs?: number; dropOnce?: number[] } = {},
  ) {
    // one chain for whichever channel is asked, or one chain per channel
    if (Array.isArray(blocks)) this.#blocks = [...blocks];
    else {
      this.#blocks = [];
      this.#byChannel = new Map(Object.entries(blocks));
    }
    this.#dropOnce = new Set(options.dropOnce ?? []);
  }

  append(block: common.Block): void {
    this.#blocks.push(block);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  #chain(channel: string): common.Block[] {
    return this.#byChannel?.get(channel) ?? this.#blocks;
  }

  async height(channel: string): Promise<number> {
    return this.#chain(channel).length;
  }

  async *blocks(
    channel: string,
    startBlock: number,
    signal: AbortSignal,
  ): AsyncIterable<SourcedBlock> {
    this.requests.push(startBlock);
    let number = startBlock;
    while (!signal.aborted) {
      const block = this.#chain(channel)[number];
      if (!block) {
        await new Promise<void>((resolve) => {
          this.#waiters.push(resolve);
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        continue;
      }
      if (this.options.delayMs)
        await new Promise((resolve) => setTimeout(resolve, this.options.delayMs));
      if (this.#dropOnce.delete(number)) {
        number++;
        continue;
      }
      yield { block };
      number++;
    }
  }

  async close(): Promise<void> {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
