// SPDX-License-Identifier: Apache-2.0
// The datasync benchmark's write load and live lag: asset creations at a fixed offered rate
// (open loop, @consortia/common/bench) while the mirror follows, each transaction's lag running
// from its commit to the moment the mirror's checkpoint covers its block.
import type { LatencyRecorder } from '@consortia/common/bench';
import { type Clock, realClock, RequestFailure, type Send } from '@consortia/common/bench';
import type { Contract } from '@hyperledger/fabric-gateway';

/** Watches the mirror's checkpoint with one poller, however many transactions wait on it. */
export class CheckpointWatch {
  #seen = -1;
  #waiters: { block: number; resolve: (at: number) => void }[] = [];
  #timer?: NodeJS.Timeout;

  constructor(
    private readonly read: () => Promise<number>,
    private readonly pollMs = 20,
    private readonly clock: Clock = realClock,
  ) {}

  start(): void {
    const poll = async () => {
      try {
        const block = await this.read();
        const at = this.clock.now();
        if (block > this.#seen) this.#seen = block;
        this.#waiters = this.#waiters.filter((waiter) => {
          if (waiter.block > this.#seen) return true;
          waiter.resolve(at);
          return false;
        });
      } finally {
        if (this.#timer) this.#timer = setTimeout(() => void poll(), this.pollMs);
      }
    };
    this.#timer = setTimeout(() => void poll(), this.pollMs);
  }

  /** Resolves with the clock time at which the checkpoint was first seen covering `block`. */
  covered(block: number): Promise<number> {
    if (block <= this.#seen) return Promise.resolve(this.clock.now());
    return new Promise((resolve) => this.#waiters.push({ block, resolve }));
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * A sender of asset creations: each settles at its commit; its live lag is recorded into `lags`
 * once the mirror has its block (awaited through `pending`).
 */
export function creationSender(
  assets: Contract,
  tag: string,
  watch: CheckpointWatch,
  lags: LatencyRecorder,
  pending: Promise<void>[],
  clock: Clock = realClock,
): Send {
  return async ({ index }) => {
    const proposal = assets.newProposal('CreateAsset', {
      arguments: [`live-${tag}-${index}`, 'container', 'alice', JSON.stringify({ index })],
    });
    const submitted = await (await proposal.endorse()).submit();
    const status = await submitted.getStatus();
    const committedAt = clock.now();
    if (!status.successful) {
      throw new RequestFailure(
        status.code === 11 ? 'MVCC_READ_CONFLICT' : `INVALID_${status.code}`,
      );
    }
    pending.push(
      watch.covered(Number(status.blockNumber)).then((seenAt) => lags.record(seenAt - committedAt)),
    );
    return { completedAt: committedAt };
  };
}
