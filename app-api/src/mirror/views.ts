// SPDX-License-Identifier: Apache-2.0
import type {
  AssetRow,
  AssetSearch,
  AssetSort,
  BalanceSort,
  RecentFilter,
  TransactionView,
} from '@consortia/datasync/read';

/** How far the mirror has got on the served channel; every read answer carries it. */
export interface Freshness {
  channel: string;
  /** The last block applied; -1 before the first. */
  syncedBlock: number;
  lastBlockHash: string | null;
  lastBlockTimestamp: string | null;
  /** When datasync applied that block. */
  syncedAt: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Asset {
  id: string;
  type: string | null;
  owner: { mspId: string | null; ownerId: string | null };
  status: string | null;
  attributes: unknown;
  privateDetailsHash: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  blockNumber: number;
  txId: string;
}

export interface AssetHistoryEntry {
  txId: string;
  blockNumber: number;
  txIndex: number;
  timestamp: string | null;
  function: string | null;
  creatorMsp: string | null;
  correlationId: string | null;
  isDelete: boolean;
  asset: unknown;
}

export interface TokenInfo {
  initialized: boolean;
  name: string | null;
  symbol: string | null;
  decimals: number;
  cap: string | null;
  totalSupply: string | null;
  adminMspId: string | null;
}

export interface Balance {
  account: string;
  balance: string;
  balanceBaseUnits: string;
  pendingCredits: string;
  pendingCreditCount: number;
  lastBlock: number;
}

/** A transaction with its correlation id, its block's hash and the names of its events. */
export interface LedgerTransaction extends TransactionView {
  correlationId: string | null;
  blockHash: string;
  events: string[];
}

export type { AssetSort, BalanceSort };

/** Which page of a list: its size, and the cursor the page before it ended with. */
export interface PageQuery {
  limit: number;
  cursor?: string;
}

/** A page of a list in a chosen order. */
export type SortedPageQuery<Sort> = PageQuery & { sort: Sort; descending: boolean };

export type AssetQuery = AssetSearch & SortedPageQuery<AssetSort>;

export type BalanceQuery = { account?: string; minBalance?: string } & SortedPageQuery<BalanceSort>;

/** Its correlation id matches the ledger's, or any of the tx ids the app-api recorded for it. */
export type TransactionQuery = RecentFilter & PageQuery;

/** A minimum amount with more fractional digits than the token has. */
export class AmountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AmountError';
  }
}

export function toAsset(row: AssetRow): Asset {
  return {
    id: row.asset_id,
    type: row.asset_type,
    owner: { mspId: row.owner_msp, ownerId: row.owner_id },
    status: row.status,
    attributes: row.attributes,
    privateDetailsHash: row.private_details_hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    blockNumber: Number(row.block_number),
    txId: row.tx_id,
  };
}
