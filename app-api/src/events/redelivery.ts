// SPDX-License-Identifier: Apache-2.0
import type { EventMetrics } from './metrics';

/**
 * How many times each subscription's unacknowledged WebSocket batch has been sent by this
 * replica. A batch sent again (after a resume, or to a client that reconnected) is a retry: it
 * is counted in the metrics and named in the error of a subscription paused for it.
 */
export class Redeliveries {
  readonly #sent = new Map<string, { batchId: string; times: number }>();

  constructor(private readonly metrics?: EventMetrics) {}

  /** A batch goes out: how many times it has gone out now. */
  sent(subscriptionId: string, batchId: string): number {
    const last = this.#sent.get(subscriptionId);
    const times = last?.batchId === batchId ? last.times + 1 : 1;
    if (times > 1) this.metrics?.batchesRetried.inc({ transport: 'websocket' });
    this.#sent.set(subscriptionId, { batchId, times });
    return times;
  }

  /** The subscription's batch was acknowledged (or the subscription is gone). */
  settled(subscriptionId: string): void {
    this.#sent.delete(subscriptionId);
  }
}
