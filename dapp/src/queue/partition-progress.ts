// SPDX-License-Identifier: Apache-2.0

/**
 * One partition's messages from the moment they are started until Kafka's committed offset has
 * passed them. Messages finish out of order (different keys run concurrently), and the committed
 * offset may only move past a run of finished messages from the oldest one, so a crash replays
 * every message whose outcome is not yet stored.
 */
export class PartitionProgress {
  /** Started and not yet passed by the committable offset, in offset order. */
  private readonly pending: bigint[] = [];
  private readonly finished = new Set<bigint>();
  private highest = -1n;
  /** Messages started and not yet settled (running, or waiting behind their key). */
  unsettled = 0;
  /** The lowest offset that failed since the last recovery: it and those after it run again. */
  failedAt: bigint | undefined;
  consecutiveFailures = 0;
  /** Kafka gave the partition to another worker: its offsets are that worker's to commit now. */
  revoked = false;
  /** The offset to commit next (one past the last finished run), once it moved. */
  private commitTarget: bigint | undefined;
  private committed: bigint | undefined;
  private committing: Promise<void> = Promise.resolve();

  /**
   * Tracks a delivered message. A message delivered again (Kafka replays from the committed
   * offset after a restart or a seek) is tracked once: either instance finishing it is enough.
   */
  start(offset: bigint): void {
    this.unsettled += 1;
    if (offset <= this.highest) return;
    this.highest = offset;
    this.pending.push(offset);
  }

  /** Marks a message finished; the committable offset moves past the oldest finished run. */
  finish(offset: bigint): void {
    this.consecutiveFailures = 0;
    if (!this.pending.includes(offset)) return;
    this.finished.add(offset);
    while (this.pending.length > 0 && this.finished.has(this.pending[0] as bigint)) {
      const oldest = this.pending.shift() as bigint;
      this.finished.delete(oldest);
      this.commitTarget = oldest + 1n;
    }
  }

  fail(offset: bigint): void {
    this.consecutiveFailures += 1;
    if (this.failedAt === undefined || offset < this.failedAt) this.failedAt = offset;
  }

  /**
   * Commits the committable offset with `commit`, one commit at a time; a commit still running
   * is followed by one for the latest offset, not one for each message that finished meanwhile.
   */
  commit(commit: (offset: bigint) => Promise<void>): Promise<void> {
    this.committing = this.committing.then(async () => {
      if (this.revoked) return;
      const target = this.commitTarget;
      if (target === undefined || (this.committed !== undefined && target <= this.committed)) {
        return;
      }
      await commit(target);
      this.committed = target;
    });
    return this.committing;
  }

  /** Resolves once the commits asked for so far are done. */
  commits(): Promise<void> {
    return this.committing.catch(() => undefined);
  }
}
