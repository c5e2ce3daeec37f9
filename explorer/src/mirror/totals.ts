// SPDX-License-Identifier: Apache-2.0
import type { MirrorDb } from '@consortia/datasync/read';
import { transactionCounts } from '@consortia/datasync/read';

import type { TxCounts } from '../http/api-types';

export interface ChaincodeCounts extends TxCounts {
  lastBlock: number;
}

export interface ChannelTotals extends TxCounts {
  /** The last block these counts include. */
  upTo: number;
  byChaincode: Map<string, ChaincodeCounts>;
}

const empty = (): ChannelTotals => ({
  upTo: -1,
  total: 0,
  valid: 0,
  invalid: 0,
  byChaincode: new Map(),
});

/**
 * Transaction counts per channel and chaincode, kept up to date incrementally: the ledger only
 * grows, so after one full count each refresh reads just the blocks mirrored since the last one
 * (a range of the transactions primary key) instead of counting the whole ledger again.
 */
export class TotalsCache {
  readonly #channels = new Map<string, ChannelTotals>();
  readonly #updating = new Map<string, Promise<ChannelTotals>>();

  constructor(private readonly db: MirrorDb) {}

  /** Counts up to and including block `lastBlock` (the channel's checkpoint). */
  get(channel: string, lastBlock: number): Promise<ChannelTotals> {
    // one refresh per channel at a time, so concurrent requests never count a range twice
    const previous = this.#updating.get(channel) ?? Promise.resolve(empty());
    const next = previous.catch(() => empty()).then(() => this.#refresh(channel, lastBlock));
    this.#updating.set(channel, next);
    return next;
  }

  async #refresh(channel: string, lastBlock: number): Promise<ChannelTotals> {
    let totals = this.#channels.get(channel) ?? empty();
    // a mirror rebuilt from scratch starts below what was counted: count again
    if (lastBlock < totals.upTo) totals = empty();
    if (lastBlock === totals.upTo) return totals;
    const rows = await transactionCounts(this.db, channel, totals.upTo, lastBlock);
    const updated: ChannelTotals = {
      upTo: lastBlock,
      total: totals.total,
      valid: totals.valid,
      invalid: totals.invalid,
      byChaincode: new Map(totals.byChaincode),
    };
    for (const row of rows) {
      const total = Number(row.total);
      const valid = Number(row.valid);
      updated.total += total;
      updated.valid += valid;
      updated.invalid += total - valid;
      const before = updated.byChaincode.get(row.chaincode);
      updated.byChaincode.set(row.chaincode, {
        total: (before?.total ?? 0) + total,
        valid: (before?.valid ?? 0) + valid,
        invalid: (before?.invalid ?? 0) + total - valid,
        lastBlock: Math.max(before?.lastBlock ?? -1, Number(row.last_block)),
      });
    }
    this.#channels.set(channel, updated);
    return updated;
  }
}
