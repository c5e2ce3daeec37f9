// SPDX-License-Identifier: Apache-2.0
/** Bounds of an exponential backoff: the first delay and the largest. */
export interface BackoffBounds {
  minMs: number;
  maxMs: number;
}

/**
 * The delay before attempt `failedAttempt + 1`, after `failedAttempt` (1-based) failed:
 * min(maxMs, minMs * 2^(failedAttempt - 1)). With `random` (full jitter) a random share of it,
 * so that clients that failed together spread out.
 */
export function backoffDelay(
  bounds: BackoffBounds,
  failedAttempt: number,
  random?: () => number,
): number {
  const ceiling = Math.min(bounds.maxMs, bounds.minMs * 2 ** Math.max(0, failedAttempt - 1));
  return random ? Math.floor(random() * ceiling) : ceiling;
}

/**
 * The delays of a loop that retries until it succeeds: each failure waits twice as long as the
 * one before, up to maxMs; a success starts again from minMs.
 */
export class Backoff {
  #failures = 0;

  constructor(readonly bounds: BackoffBounds) {}

  /** What the next failure will wait. */
  get delayMs(): number {
    return backoffDelay(this.bounds, this.#failures + 1);
  }

  /** Records a failure and returns how long to wait before trying again. */
  failed(): number {
    const delay = this.delayMs;
    this.#failures++;
    return delay;
  }

  /** Records a success: the next failure waits minMs again. */
  succeeded(): void {
    this.#failures = 0;
  }
}
