// SPDX-License-Identifier: Apache-2.0
import type { AssetFilter, MirrorDb, TransactionFilter } from '@consortia/datasync/read';
import {
  assetsByKey,
  balancesByKey,
  blockTransactions,
  checkpoints,
  currentValue,
  getBlock,
  iso,
  keyHistory,
  lastBlock,
  listBlocks,
  listTransactions,
  mirrorDb,
  namespaces,
  pingMirror,
  statePage,
  syncStatus,
  transactionEvents,
  transactionsById,
  transactionWrites,
  objectTypes,
} from '@consortia/datasync/read';
import type pg from 'pg';
import { z } from 'zod';

import type {
  Activity,
  ActivityRange,
  Asset,
  BlockDetail,
  BlockSummary,
  ChaincodeList,
  EventRecord,
  KeyDetail,
  KeyHistoryEntry,
  Page,
  SearchHit,
  StatePage,
  TokenBalance,
  TransactionDetail,
  TransactionSummary,
  WriteRecord,
} from '../http/api-types';
import type { Direction } from './cursor';
import { toPage } from './cursor';
import { activity, chaincodes, search } from './insights';
import { TotalsCache } from './totals';
import {
  DETAIL_BYTES,
  keyView,
  PREVIEW_BYTES,
  toBlock,
  toStateEntry,
  toTransaction,
  toValue,
  valueView,
} from './views';

export type { AssetFilter, TransactionFilter } from '@consortia/datasync/read';

/** Cursor keys, validated when a request brings them back. */
export const blockKey = z.tuple([z.number().int().min(0)]);
export const txKey = z.tuple([z.number().int().min(0), z.number().int().min(0)]);
export const txIndexKey = z.tuple([z.number().int().min(0)]);
export const writeKey = z.tuple([z.number().int().min(0)]);
export const stateKey = z.tuple([z.string(), z.string()]);
export const historyKey = z.tuple([
  z.number().int().min(0),
  z.number().int().min(0),
  z.number().int().min(0),
]);
export const assetKey = z.tuple([z.string(), z.string()]);
export const tokenKey = z.tuple([z.string(), z.string()]);

export interface SyncRow {
  channel: string;
  lastBlock: number;
  lastHash: string | null;
  lastBlockTime: string | null;
  mirroredAt: string | null;
  outboxPending: number;
}

/**
 * The explorer's view of the mirror over datasync's read layer: its answer shapes, value
 * previews and two-way keyset pages. Lists never use OFFSET.
 */
export class Mirror {
  readonly db: MirrorDb;
  readonly totals: TotalsCache;

  constructor(pool: pg.Pool) {
    this.db = mirrorDb(pool);
    this.totals = new TotalsCache(this.db);
  }

  ping(): Promise<void> {
    return pingMirror(this.db);
  }

  async syncStatus(): Promise<SyncRow[]> {
    return (await syncStatus(this.db)).map((row) => ({
      channel: row.channel,
      lastBlock: Number(row.last_block),
      lastHash: row.last_hash,
      lastBlockTime: iso(row.last_block_timestamp),
      mirroredAt: iso(row.updated_at),
      outboxPending: Number(row.outbox_pending),
    }));
  }

  /** Last block number per channel, straight from the checkpoints (the live feed polls this). */
  checkpoints(): Promise<Map<string, number>> {
    return checkpoints(this.db);
  }

  lastBlock(channel: string): Promise<{ number: number; time: Date | null } | undefined> {
    return lastBlock(this.db, channel);
  }

  activity(channel: string, range: ActivityRange): Promise<Activity> {
    return activity(this.db, channel, range);
  }

  async blocks(
    channel: string,
    travel: Direction<[number]>,
    limit: number,
  ): Promise<Page<BlockSummary>> {
    const rows = await listBlocks(this.db, channel, travel, limit);
    return toPage(rows, limit, travel, (row) => [Number(row.number)], toBlock);
  }

  async block(channel: string, number: number): Promise<BlockDetail | undefined> {
    const row = await getBlock(this.db, channel, number);
    if (!row) return undefined;
    return { block: toBlock(row), lastBlock: Number(row.last_block) };
  }

  async blockTransactions(
    channel: string,
    number: number,
    travel: Direction<[number]>,
    limit: number,
  ): Promise<Page<TransactionSummary>> {
    const rows = await blockTransactions(this.db, channel, number, travel, limit);
    return toPage(rows, limit, travel, (row) => [row.tx_index], toTransaction);
  }

  async transactions(
    channel: string,
    filter: TransactionFilter,
    travel: Direction<[number, number]>,
    limit: number,
  ): Promise<Page<TransactionSummary>> {
    const rows = await listTransactions(this.db, channel, filter, travel, limit);
    return toPage(
      rows,
      limit,
      travel,
      (row) => [Number(row.block_number), row.tx_index],
      toTransaction,
    );
  }

  /**
   * A transaction by id. A ledger can hold the same id twice (the later one is invalidated);
   * `at` picks one, otherwise the valid one is shown, and `matches` lists them all.
   */
  async transaction(
    channel: string,
    txId: string,
    at?: { blockNumber: number; txIndex: number },
  ): Promise<TransactionDetail | undefined> {
    const rows = await transactionsById(this.db, channel, txId);
    const chosen =
      rows.find(
        (row) => at?.blockNumber === Number(row.block_number) && row.tx_index === at.txIndex,
      ) ??
      rows.find((row) => row.validation_code === 0) ??
      rows[0];
    if (!chosen) return undefined;
    const blockNumber = Number(chosen.block_number);
    const [writes, events] = await Promise.all([
      this.writes(channel, blockNumber, chosen.tx_index, { kind: 'first' }, 100),
      this.events(channel, blockNumber, chosen.tx_index),
    ]);
    return {
      transaction: {
        ...toTransaction(chosen),
        creatorSubject: chosen.creator_subject,
        correlationId: chosen.correlation_id,
        blockHash: chosen.block_hash,
      },
      matches: rows.map((row) => ({
        blockNumber: Number(row.block_number),
        txIndex: row.tx_index,
        valid: row.validation_code === 0,
      })),
      writes,
      events,
    };
  }

  async writes(
    channel: string,
    blockNumber: number,
    txIndex: number,
    travel: Direction<[number]>,
    limit: number,
  ): Promise<Page<WriteRecord>> {
    const at = { channel, blockNumber, txIndex };
    const rows = await transactionWrites(this.db, at, travel, limit, PREVIEW_BYTES);
    return toPage(
      rows,
      limit,
      travel,
      (row) => [row.write_index],
      (row) => ({
        index: row.write_index,
        namespace: row.namespace,
        collection: row.collection,
        key: keyView(row.key, row.object_type, row.key_attributes),
        isDelete: row.is_delete,
        ...(row.is_delete ? {} : { value: toValue(row, PREVIEW_BYTES) }),
      }),
    );
  }

  /** Events of a transaction; datasync keeps them for VALID transactions only. */
  async events(channel: string, blockNumber: number, txIndex: number): Promise<EventRecord[]> {
    const rows = await transactionEvents(this.db, { channel, blockNumber, txIndex });
    return rows.map((row) => ({
      index: row.event_index,
      chaincode: row.chaincode,
      name: row.event_name,
      payload: valueView(row.payload, row.payload_json, row.payload.length, DETAIL_BYTES),
    }));
  }

  chaincodes(channel: string): Promise<ChaincodeList> {
    return chaincodes(this.db, this.totals, channel);
  }

  namespaces(channel: string): Promise<string[]> {
    return namespaces(this.db, channel);
  }

  objectTypes(channel: string, namespace: string): Promise<string[]> {
    return objectTypes(this.db, channel, namespace);
  }

  /**
   * The world state of one namespace in key order, optionally one object type and keys
   * containing `search` (case-insensitive, matched against the stored form of the key).
   */
  async state(
    channel: string,
    namespace: string,
    filter: { objectType?: string; search?: string },
    travel: Direction<[string, string]>,
    limit: number,
  ): Promise<StatePage> {
    const at = { channel, namespace };
    const [page, types] = await Promise.all([
      statePage(this.db, at, filter, travel, limit, PREVIEW_BYTES),
      this.objectTypes(channel, namespace),
    ]);
    return {
      ...toPage(
        page.rows,
        limit,
        travel,
        (row) => [row.collection, row.key],
        (row) => toStateEntry(row, PREVIEW_BYTES),
        page.otherSide,
      ),
      objectTypes: types,
    };
  }

  /** One key: its current value and every write to it, newest first. */
  async key(
    channel: string,
    namespace: string,
    collection: string,
    key: string,
    travel: Direction<[number, number, number]>,
    limit: number,
  ): Promise<KeyDetail> {
    const at = { channel, namespace, collection, key };
    const [current, history] = await Promise.all([
      currentValue(this.db, at, DETAIL_BYTES),
      keyHistory(this.db, at, travel, limit, PREVIEW_BYTES),
    ]);
    const currentRow = current[0];
    const firstWrite = history[0];
    return {
      namespace,
      collection,
      key: currentRow
        ? keyView(currentRow.key, currentRow.object_type, currentRow.key_attributes)
        : keyView(key, firstWrite?.object_type ?? null, firstWrite?.key_attributes),
      ...(currentRow ? { current: toStateEntry(currentRow, DETAIL_BYTES) } : {}),
      history: toPage(
        history,
        limit,
        travel,
        (row) => [Number(row.block_number), row.tx_index, row.write_index],
        (row): KeyHistoryEntry => ({
          blockNumber: Number(row.block_number),
          txIndex: row.tx_index,
          txId: row.tx_id,
          valid: row.validation_code === 0,
          isDelete: row.is_delete,
          timestamp: iso(row.timestamp),
          ...(row.is_delete ? {} : { value: toValue(row, PREVIEW_BYTES) }),
        }),
      ),
    };
  }

  async assets(
    channel: string,
    filter: AssetFilter,
    travel: Direction<[string, string]>,
    limit: number,
  ): Promise<Page<Asset>> {
    const rows = await assetsByKey(this.db, channel, filter, travel, limit);
    return toPage(
      rows,
      limit,
      travel,
      (row) => [row.chaincode, row.asset_id],
      (row) => ({
        chaincode: row.chaincode,
        assetId: row.asset_id,
        type: row.asset_type,
        ownerMsp: row.owner_msp,
        ownerId: row.owner_id,
        status: row.status,
        attributes: row.attributes,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        blockNumber: Number(row.block_number),
        txId: row.tx_id,
      }),
    );
  }

  async tokenBalances(
    channel: string,
    travel: Direction<[string, string]>,
    limit: number,
  ): Promise<Page<TokenBalance>> {
    const rows = await balancesByKey(this.db, channel, travel, limit);
    return toPage(
      rows,
      limit,
      travel,
      (row) => [row.chaincode, row.account],
      (row) => ({
        chaincode: row.chaincode,
        account: row.account,
        balance: row.balance_text,
        baseBalance: row.base_text,
        pendingCredits: row.pending_text,
        pendingCreditCount: row.pending_credit_count,
        lastBlock: Number(row.last_block),
      }),
    );
  }

  /** Search hits for a block number, a transaction id, or a world-state key (or key part). */
  search(query: string, preferredChannel?: string): Promise<SearchHit[]> {
    return search(this.db, query, preferredChannel);
  }
}
