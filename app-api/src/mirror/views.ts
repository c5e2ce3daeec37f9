// SPDX-License-Identifier: Apache-2.0
import type { AssetRow, AssetSort, BalanceSort } from '@consortia/datasync/read';

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

export interface LedgerTransaction {
  txId: string;
  blockNumber: number;
  txIndex: number;
  type: string;
  timestamp: string | null;
  creatorMsp: string | null;
  chaincode: string | null;
  function: string | null;
  validationCode: number;
  validationName: string;
  valid: boolean;
  correlationId: string | null;
  blockHash: string;
  events: string[];
}

export type { AssetSort, BalanceSort };

export interface AssetQuery {
  ownerMsp?: string;
  ownerId?: string;
  type?: string;
  status?: string;
  idPrefix?: string;
  /** Public attributes to match, compared as text (a number 20 matches '20'). */
  attributes?: Record<string, string>;
  updatedAfter?: string;
  updatedBefore?: string;
  sort: AssetSort;
  descending: boolean;
  limit: number;
  cursor?: string;
}

export interface BalanceQuery {
  account?: string;
  minBalance?: string;
  sort: BalanceSort;
  descending: boolean;
  limit: number;
  cursor?: string;
}

export interface TransactionQuery {
  txId?: string;
  function?: string;
  creatorMsp?: string;
  valid?: boolean;
  /** Matches the ledger's correlation id, or any of these tx ids (what the app-api recorded). */
  correlationId?: string;
  correlatedTxIds?: string[];
  fromBlock?: number;
  toBlock?: number;
  limit: number;
  cursor?: string;
}

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
