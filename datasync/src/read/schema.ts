// SPDX-License-Identifier: Apache-2.0
import type pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';

/**
 * The mirror's tables and read views as the `pg` driver returns them (datasync/migrations is
 * the source). bigint and numeric come back as decimal text; callers convert what they show.
 */
type Int8 = string;

export interface BlocksTable {
  channel: string;
  number: Int8;
  hash: string;
  previous_hash: string;
  data_hash: string;
  data_hash_valid: boolean;
  tx_count: number;
  is_config: boolean;
  timestamp: Date | null;
  mirrored_at: Date;
}

export interface TransactionsTable {
  channel: string;
  block_number: Int8;
  tx_index: number;
  tx_id: string;
  type: string;
  creator_msp: string | null;
  creator_subject: string | null;
  chaincode: string | null;
  function: string | null;
  validation_code: number;
  validation_name: string;
  timestamp: Date | null;
  correlation_id: string | null;
}

export interface WritesTable {
  channel: string;
  block_number: Int8;
  tx_index: number;
  write_index: number;
  tx_id: string;
  namespace: string;
  collection: string;
  /** Stored escaped: see `escapeKey`. */
  key: string;
  object_type: string | null;
  key_attributes: unknown;
  value: Buffer | null;
  value_json: unknown;
  is_delete: boolean;
}

export interface WorldStateTable {
  channel: string;
  namespace: string;
  collection: string;
  /** Stored escaped: see `escapeKey`. */
  key: string;
  object_type: string | null;
  key_attributes: unknown;
  value: Buffer;
  value_json: unknown;
  block_number: Int8;
  tx_index: number;
  tx_id: string;
  updated_at: Date | null;
}

export interface ChaincodeEventsTable {
  channel: string;
  block_number: Int8;
  tx_index: number;
  event_index: number;
  tx_id: string;
  chaincode: string;
  event_name: string;
  payload: Buffer;
  payload_json: unknown;
}

export interface CheckpointsTable {
  channel: string;
  last_block: Int8;
  last_hash: string | null;
  updated_at: Date;
}

export interface ActivityRollupTable {
  channel: string;
  bucket_seconds: number;
  bucket_start: Date;
  chaincode: string | null;
  creator_msp: string | null;
  valid: Int8;
  invalid: Int8;
}

export interface AssetsView {
  channel: string;
  chaincode: string;
  asset_id: string;
  asset_type: string | null;
  owner_msp: string | null;
  owner_id: string | null;
  status: string | null;
  attributes: unknown;
  private_details_hash: string | null;
  created_at: string | null;
  updated_at: string | null;
  block_number: Int8;
  tx_id: string;
  document: unknown;
}

export interface TokenBalancesView {
  channel: string;
  chaincode: string;
  account: string;
  base_balance: string;
  pending_credits: string;
  pending_credit_count: number;
  balance: string;
  last_block: Int8;
}

export interface RecentTransactionsView {
  channel: string;
  block_number: Int8;
  tx_index: number;
  tx_id: string;
  type: string;
  timestamp: Date | null;
  creator_msp: string | null;
  chaincode: string | null;
  function: string | null;
  validation_code: number;
  validation_name: string;
  valid: boolean;
  correlation_id: string | null;
  block_hash: string;
  event_names: string[];
}

export interface SyncStatusView {
  channel: string;
  last_block: Int8;
  last_hash: string | null;
  last_block_timestamp: Date | null;
  updated_at: Date | null;
  outbox_pending: Int8;
}

export interface MirrorSchema {
  blocks: BlocksTable;
  transactions: TransactionsTable;
  writes: WritesTable;
  world_state: WorldStateTable;
  chaincode_events: ChaincodeEventsTable;
  checkpoints: CheckpointsTable;
  activity_rollup: ActivityRollupTable;
  v_assets: AssetsView;
  v_token_balances: TokenBalancesView;
  v_recent_transactions: RecentTransactionsView;
  v_sync_status: SyncStatusView;
}

/** A typed query builder over the mirror. */
export type MirrorDb = Kysely<MirrorSchema>;

/** Reads the mirror through `pool`; the pool stays the caller's to configure and close. */
export function mirrorDb(pool: pg.Pool): MirrorDb {
  return new Kysely<MirrorSchema>({ dialect: new PostgresDialect({ pool }) });
}

export const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);
