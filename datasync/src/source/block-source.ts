// SPDX-License-Identifier: Apache-2.0
import type { common, ledger } from '@hyperledger/fabric-protos';

/** One block as delivered by a peer, with private write sets when the org is entitled to them. */
export interface SourcedBlock {
  block: common.Block;
  privateData?: ReadonlyMap<number, ledger.rwset.TxPvtReadWriteSet>;
}

/**
 * Where a channel's blocks come from. In production that is the org's peer through the Fabric
 * Gateway; tests replace the peer with a source that replays constructed blocks.
 */
export interface BlockSource {
  /** Number of blocks on the channel (the next block's number). */
  height(channel: string): Promise<number>;
  /**
   * Blocks in order from `startBlock`: the stored ones first, then live ones as they are
   * committed. Ends when `signal` aborts; throws when the connection fails.
   */
  blocks(channel: string, startBlock: number, signal: AbortSignal): AsyncIterable<SourcedBlock>;
  close(): Promise<void>;
}

/** What `datasync verify` asks the ledger, besides the blocks themselves. */
export interface LedgerQueries {
  height(channel: string): Promise<number>;
  blockByNumber(channel: string, number: number): Promise<common.Block>;
  /** The committed transaction's envelope and validation code. */
  transactionById(
    channel: string,
    txId: string,
  ): Promise<{ envelope: Uint8Array; validationCode: number }>;
  close(): Promise<void>;
}
