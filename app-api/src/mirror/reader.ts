// SPDX-License-Identifier: Apache-2.0
import { closePool } from '@consortia/common/pg';
import type { MirrorDb } from '@consortia/datasync/read';
import {
  ASSET_SORTS,
  assetHistory,
  BALANCE_SORTS,
  burnedBaseUnits,
  channelSyncStatus,
  getAsset,
  iso,
  mirrorDb,
  nextPage,
  pingMirror,
  recentTransactions,
  searchAssets,
  searchBalances,
  tokenRecords,
  toTransactionView,
} from '@consortia/datasync/read';
import pg from 'pg';
import type { ClientConfig } from 'pg';

import { formatAmount, toBaseUnits } from './amounts';
import type { BlockWaiterOptions } from './block-waiter';
import { BlockWaiter } from './block-waiter';
import type { Filters } from './cursor';
import { decodeCursor, encodeCursor } from './cursor';
import type {
  Asset,
  AssetHistoryEntry,
  AssetQuery,
  Balance,
  BalanceQuery,
  Freshness,
  LedgerTransaction,
  Page,
  TokenInfo,
  TransactionQuery,
} from './views';
import { AmountError, toAsset } from './views';

export type * from './views';
export { AmountError } from './views';
export { storedCompositeKey } from '@consortia/datasync/read';

const UNINITIALIZED: TokenInfo = {
  initialized: false,
  name: null,
  symbol: null,
  decimals: 0,
  cap: null,
  totalSupply: null,
  adminMspId: null,
};

/**
 * This API's view of the mirror, for one channel and chaincode, over datasync's read layer:
 * its answer shapes, cursors bound to each query's sort and filters, and query timings. The
 * connection refuses writes.
 */
export class MirrorReader {
  readonly pool: pg.Pool;
  readonly #db: MirrorDb;
  readonly #waiter: BlockWaiter;
  readonly #scope: { channel: string; chaincode: string };

  constructor(
    connection: ClientConfig,
    readonly channel: string,
    chaincode: string,
    private readonly observe: (query: string, seconds: number) => void = () => undefined,
    statementTimeoutMs = 5_000,
    waiting: BlockWaiterOptions = { pollMs: 100, maxWaiters: 1_000 },
  ) {
    this.pool = new pg.Pool({
      ...connection,
      max: 10,
      application_name: 'consortia-app-api',
      // The mirror belongs to datasync: this pool may only read, and never for long.
      options: `-c default_transaction_read_only=on -c statement_timeout=${statementTimeoutMs}`,
    });
    this.pool.on('error', () => undefined);
    this.#db = mirrorDb(this.pool);
    this.#scope = { channel, chaincode };
    this.#waiter = new BlockWaiter(() => this.freshness(), waiting);
  }

  /** Runs one read, timing it under `name`. */
  private async timed<T>(name: string, read: (db: MirrorDb) => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    try {
      return await read(this.#db);
    } finally {
      this.observe(name, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  async ping(): Promise<void> {
    await this.timed('ping', pingMirror);
  }

  async freshness(): Promise<Freshness> {
    const row = await this.timed('freshness', (db) => channelSyncStatus(db, this.channel));
    return {
      channel: this.channel,
      syncedBlock: row ? Number(row.last_block) : -1,
      lastBlockHash: row?.last_hash ?? null,
      lastBlockTimestamp: iso(row?.last_block_timestamp ?? null),
      syncedAt: iso(row?.updated_at ?? null),
    };
  }

  /**
   * Waits until the mirror has applied `block` or the time is up; answers the last freshness.
   * All waiting requests share one poller (one query per interval, whatever their number).
   */
  async waitForBlock(
    block: number,
    timeoutMs: number,
  ): Promise<{ reached: boolean; freshness: Freshness }> {
    return this.#waiter.wait(block, timeoutMs);
  }

  /** Requests waiting for a block now. */
  get blockWaiters(): number {
    return this.#waiter.waiting;
  }

  async listAssets(query: AssetQuery): Promise<Page<Asset>> {
    const { sort, descending, limit, cursor, ...search } = query;
    const columns = ASSET_SORTS[sort];
    const sortName = `${descending ? '-' : ''}${sort}`;
    const filters: Filters = search;
    const after =
      cursor === undefined ? undefined : decodeCursor(cursor, sortName, filters, columns.length);
    const rows = await this.timed('list_assets', (db) =>
      searchAssets(db, this.#scope, search, { sort, descending, after }, limit),
    );
    return nextPage(rows, limit, toAsset, (last) =>
      encodeCursor(
        sortName,
        columns.map((column) => String(last[column.column])),
        filters,
      ),
    );
  }

  async getAsset(id: string): Promise<Asset | undefined> {
    const row = await this.timed('get_asset', (db) => getAsset(db, this.#scope, id));
    return row ? toAsset(row) : undefined;
  }

  /** Every VALID write of the asset's key, newest first, deletions included. */
  async assetHistory(
    id: string,
    options: { limit: number; cursor?: string },
  ): Promise<Page<AssetHistoryEntry>> {
    const filters: Filters = { id };
    const after =
      options.cursor === undefined
        ? undefined
        : (decodeCursor(options.cursor, 'history', filters, 2) as [string, string]);
    const rows = await this.timed('asset_history', (db) =>
      assetHistory(db, this.#scope, id, after, options.limit),
    );
    return nextPage(
      rows,
      options.limit,
      (row) => ({
        txId: row.tx_id,
        blockNumber: Number(row.block_number),
        txIndex: row.tx_index,
        timestamp: iso(row.timestamp),
        function: row.function,
        creatorMsp: row.creator_msp,
        correlationId: row.correlation_id,
        isDelete: row.is_delete,
        asset: row.is_delete ? null : row.value_json,
      }),
      (last) => encodeCursor('history', [last.block_number, String(last.tx_index)], filters),
    );
  }

  async tokenInfo(): Promise<TokenInfo> {
    const rows = await this.timed('token_info', (db) => tokenRecords(db, this.#scope));
    const byName = new Map(rows.map((row) => [row.name, row]));
    const config = byName.get('config')?.value_json as
      { name?: string; symbol?: string; decimals?: number; cap?: string } | undefined;
    if (!config || typeof config.decimals !== 'number') return { ...UNINITIALIZED };
    // As the chaincode's TotalSupply: minted minus each burning account's running `burned` total.
    const burned = await this.timed('token_burns', (db) => burnedBaseUnits(db, this.#scope));
    const minted = BigInt(byName.get('minted')?.text ?? '0');
    const supply = minted - BigInt(burned);
    const admin = byName.get('admin')?.value_json as { mspId?: string } | undefined;
    return {
      initialized: true,
      name: config.name ?? null,
      symbol: config.symbol ?? null,
      decimals: config.decimals,
      cap: config.cap ? formatAmount(config.cap, config.decimals) : null,
      totalSupply: formatAmount(supply.toString(), config.decimals),
      adminMspId: admin?.mspId ?? null,
    };
  }

  async listBalances(query: BalanceQuery, decimals: number): Promise<Page<Balance>> {
    let minBaseUnits: string | undefined;
    if (query.minBalance !== undefined) {
      minBaseUnits = toBaseUnits(query.minBalance, decimals);
      if (minBaseUnits === undefined) {
        throw new AmountError(`minBalance has more than the token's ${decimals} decimals`);
      }
    }
    const columns = BALANCE_SORTS[query.sort];
    const sortName = `${query.descending ? '-' : ''}${query.sort}`;
    const filters: Filters = { account: query.account, minBalance: query.minBalance };
    const after =
      query.cursor === undefined
        ? undefined
        : decodeCursor(query.cursor, sortName, filters, columns.length);
    const rows = await this.timed('list_balances', (db) =>
      searchBalances(
        db,
        this.#scope,
        { account: query.account, minBaseUnits },
        { sort: query.sort, descending: query.descending, after },
        query.limit,
      ),
    );
    return nextPage(
      rows,
      query.limit,
      (row) => ({
        account: row.account,
        balance: formatAmount(row.balance_text, decimals),
        balanceBaseUnits: row.balance_text,
        pendingCredits: formatAmount(row.pending_text, decimals),
        pendingCreditCount: row.pending_credit_count,
        lastBlock: Number(row.last_block),
      }),
      (last) =>
        encodeCursor(
          sortName,
          columns.map((column) =>
            column.column === 'balance' ? last.balance_text : last[column.column],
          ),
          filters,
        ),
    );
  }

  async listTransactions(query: TransactionQuery): Promise<Page<LedgerTransaction>> {
    const { limit, cursor, correlatedTxIds, ...filter } = query;
    // the tx ids recorded for a correlation id follow it; they are not part of the cursor
    const filters: Filters = filter;
    const after = cursor === undefined ? undefined : decodeCursor(cursor, 'newest', filters, 2);
    const rows = await this.timed('list_transactions', (db) =>
      recentTransactions(db, this.channel, { ...filter, correlatedTxIds }, after, limit),
    );
    return nextPage(
      rows,
      limit,
      (row) => {
        // txId first, as this API has always listed it
        const { txId, ...transaction } = toTransactionView(row);
        return {
          txId,
          ...transaction,
          correlationId: row.correlation_id,
          blockHash: row.block_hash,
          events: row.event_names,
        };
      },
      (last) => encodeCursor('newest', [last.block_number, String(last.tx_index)], filters),
    );
  }

  async close(): Promise<void> {
    this.#waiter.close();
    await closePool(this.pool);
  }
}
