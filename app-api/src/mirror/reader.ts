import pg from 'pg';
import type { ClientConfig } from 'pg';

import { formatAmount, toBaseUnits } from './amounts';
import type { BlockWaiterOptions } from './block-waiter';
import { BlockWaiter } from './block-waiter';
import type { Filters } from './cursor';
import { decodeCursor, encodeCursor } from './cursor';

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

export type AssetSort = 'id' | 'updatedAt' | 'createdAt' | 'blockNumber';
export type BalanceSort = 'account' | 'balance';

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

interface SortColumn {
  column: string;
  cast: string;
}

const ASSET_SORTS: Record<AssetSort, SortColumn[]> = {
  id: [{ column: 'asset_id', cast: 'text' }],
  updatedAt: [
    { column: 'updated_at', cast: 'text' },
    { column: 'asset_id', cast: 'text' },
  ],
  createdAt: [
    { column: 'created_at', cast: 'text' },
    { column: 'asset_id', cast: 'text' },
  ],
  blockNumber: [
    { column: 'block_number', cast: 'bigint' },
    { column: 'asset_id', cast: 'text' },
  ],
};

const BALANCE_SORTS: Record<BalanceSort, SortColumn[]> = {
  account: [{ column: 'account', cast: 'text' }],
  balance: [
    { column: 'balance', cast: 'numeric' },
    { column: 'account', cast: 'text' },
  ],
};

const TRANSACTION_ORDER: SortColumn[] = [
  { column: 'block_number', cast: 'bigint' },
  { column: 'tx_index', cast: 'integer' },
];

/** Builds WHERE conditions with numbered placeholders. */
class Conditions {
  readonly sql: string[] = [];
  readonly values: unknown[] = [];

  add(template: (placeholder: string) => string, value: unknown): void {
    this.values.push(value);
    this.sql.push(template(`$${this.values.length}`));
  }

  placeholder(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** Rows strictly after the keyset position, in the given direction. */
  after(columns: SortColumn[], values: string[], descending: boolean): void {
    const left = columns.map((column) => column.column).join(', ');
    const right = columns
      .map((column, index) => `${this.placeholder(values[index])}::${column.cast}`)
      .join(', ');
    this.sql.push(`(${left}) ${descending ? '<' : '>'} (${right})`);
  }

  where(): string {
    return this.sql.length > 0 ? `WHERE ${this.sql.join(' AND ')}` : '';
  }
}

function orderBy(columns: SortColumn[], descending: boolean): string {
  return columns.map((column) => `${column.column} ${descending ? 'DESC' : 'ASC'}`).join(', ');
}

/** Composite keys as datasync stores them: backslash doubled, U+0000 written `\0`. */
export function storedCompositeKey(objectType: string, attributes: string[]): string {
  const key = `\u0000${objectType}\u0000${attributes.map((part) => `${part}\u0000`).join('')}`;
  return key.replace(/\\/g, '\\\\').replaceAll('\u0000', '\\0');
}

const iso = (value: Date | string | null) =>
  value === null ? null : value instanceof Date ? value.toISOString() : value;

interface AssetRow {
  asset_id: string;
  asset_type: string | null;
  owner_msp: string | null;
  owner_id: string | null;
  status: string | null;
  attributes: unknown;
  private_details_hash: string | null;
  created_at: string | null;
  updated_at: string | null;
  block_number: string;
  tx_id: string;
}

function toAsset(row: AssetRow): Asset {
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

const ASSET_COLUMNS = `asset_id, asset_type, owner_msp, owner_id, status, attributes,
  private_details_hash, created_at, updated_at, block_number, tx_id`;

/**
 * Read-only queries over datasync's views (v_assets, v_token_balances, v_recent_transactions,
 * v_sync_status) and tables, for one channel and chaincode. The connection refuses writes.
 */
export class MirrorReader {
  readonly pool: pg.Pool;
  readonly #waiter: BlockWaiter;

  constructor(
    connection: ClientConfig,
    private readonly channel: string,
    private readonly chaincode: string,
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
    this.#waiter = new BlockWaiter(() => this.freshness(), waiting);
  }

  private async query<R extends pg.QueryResultRow>(
    name: string,
    sql: string,
    values: unknown[],
  ): Promise<R[]> {
    const started = process.hrtime.bigint();
    try {
      return (await this.pool.query<R>(sql, values)).rows;
    } finally {
      this.observe(name, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  async ping(): Promise<void> {
    await this.query('ping', 'SELECT 1 FROM v_sync_status LIMIT 1', []);
  }

  async freshness(): Promise<Freshness> {
    const rows = await this.query<{
      last_block: string;
      last_hash: string | null;
      last_block_timestamp: Date | null;
      updated_at: Date | null;
    }>(
      'freshness',
      'SELECT last_block, last_hash, last_block_timestamp, updated_at FROM v_sync_status WHERE channel = $1',
      [this.channel],
    );
    const row = rows[0];
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
    const conditions = new Conditions();
    conditions.add((p) => `channel = ${p}`, this.channel);
    conditions.add((p) => `chaincode = ${p}`, this.chaincode);
    // Owner, type and status as one JSON containment test, which datasync's GIN index on the
    // world state's documents answers without scanning every asset.
    const contained: Record<string, unknown> = {};
    if (query.ownerMsp !== undefined || query.ownerId !== undefined) {
      contained.owner = { mspId: query.ownerMsp, ownerId: query.ownerId };
    }
    if (query.type !== undefined) contained.type = query.type;
    if (query.status !== undefined) contained.status = query.status;
    if (Object.keys(contained).length > 0) {
      conditions.add((p) => `document @> ${p}::jsonb`, JSON.stringify(contained));
    }
    if (query.idPrefix !== undefined) {
      conditions.add((p) => `starts_with(asset_id, ${p})`, query.idPrefix);
    }
    for (const [name, value] of Object.entries(query.attributes ?? {})) {
      const key = conditions.placeholder(name);
      conditions.add((p) => `attributes ->> ${key} = ${p}`, value);
    }
    if (query.updatedAfter !== undefined) {
      conditions.add((p) => `updated_at::timestamptz > ${p}::timestamptz`, query.updatedAfter);
    }
    if (query.updatedBefore !== undefined) {
      conditions.add((p) => `updated_at::timestamptz < ${p}::timestamptz`, query.updatedBefore);
    }
    const columns = ASSET_SORTS[query.sort];
    const sortName = `${query.descending ? '-' : ''}${query.sort}`;
    const filters: Filters = {
      ...query,
      sort: undefined,
      descending: undefined,
      limit: undefined,
      cursor: undefined,
    };
    if (query.cursor !== undefined) {
      conditions.after(
        columns,
        decodeCursor(query.cursor, sortName, filters, columns.length),
        query.descending,
      );
    }
    const limit = conditions.placeholder(query.limit + 1);
    const rows = await this.query<AssetRow>(
      'list_assets',
      `SELECT ${ASSET_COLUMNS} FROM v_assets ${conditions.where()}
        ORDER BY ${orderBy(columns, query.descending)} LIMIT ${limit}`,
      conditions.values,
    );
    const items = rows.slice(0, query.limit).map(toAsset);
    const last = rows.length > query.limit ? rows[query.limit - 1] : undefined;
    const nextCursor = last
      ? encodeCursor(
          sortName,
          columns.map((column) => String(last[column.column as keyof AssetRow])),
          filters,
        )
      : null;
    return { items, nextCursor };
  }

  async getAsset(id: string): Promise<Asset | undefined> {
    const rows = await this.query<AssetRow>(
      'get_asset',
      `SELECT ${ASSET_COLUMNS} FROM v_assets WHERE channel = $1 AND chaincode = $2 AND asset_id = $3`,
      [this.channel, this.chaincode, id],
    );
    return rows[0] ? toAsset(rows[0]) : undefined;
  }

  /** Every VALID write of the asset's key, newest first, deletions included. */
  async assetHistory(
    id: string,
    options: { limit: number; cursor?: string },
  ): Promise<Page<AssetHistoryEntry>> {
    const conditions = new Conditions();
    conditions.add((p) => `w.channel = ${p}`, this.channel);
    conditions.add((p) => `w.namespace = ${p}`, this.chaincode);
    conditions.sql.push(`w.collection = ''`);
    conditions.add((p) => `w.key = ${p}`, storedCompositeKey('asset', [id]));
    conditions.sql.push('t.validation_code = 0');
    const filters: Filters = { id };
    if (options.cursor !== undefined) {
      const [block, index] = decodeCursor(options.cursor, 'history', filters, 2);
      conditions.sql.push(
        `(w.block_number, w.tx_index) < (${conditions.placeholder(block)}::bigint, ${conditions.placeholder(index)}::integer)`,
      );
    }
    const limit = conditions.placeholder(options.limit + 1);
    const rows = await this.query<{
      tx_id: string;
      block_number: string;
      tx_index: number;
      timestamp: Date | null;
      function: string | null;
      creator_msp: string | null;
      correlation_id: string | null;
      is_delete: boolean;
      value_json: unknown;
    }>(
      'asset_history',
      `SELECT w.tx_id, w.block_number, w.tx_index, t.timestamp, t.function, t.creator_msp,
              t.correlation_id, w.is_delete, w.value_json
         FROM writes w
         JOIN transactions t
           ON t.channel = w.channel AND t.block_number = w.block_number AND t.tx_index = w.tx_index
         ${conditions.where()}
        ORDER BY w.block_number DESC, w.tx_index DESC, w.write_index DESC
        LIMIT ${limit}`,
      conditions.values,
    );
    const items = rows.slice(0, options.limit).map((row) => ({
      txId: row.tx_id,
      blockNumber: Number(row.block_number),
      txIndex: row.tx_index,
      timestamp: iso(row.timestamp),
      function: row.function,
      creatorMsp: row.creator_msp,
      correlationId: row.correlation_id,
      isDelete: row.is_delete,
      asset: row.is_delete ? null : row.value_json,
    }));
    const last = rows.length > options.limit ? rows[options.limit - 1] : undefined;
    return {
      items,
      nextCursor: last
        ? encodeCursor('history', [last.block_number, String(last.tx_index)], filters)
        : null,
    };
  }

  async tokenInfo(): Promise<TokenInfo> {
    const rows = await this.query<{ name: string; value_json: unknown; text: string | null }>(
      'token_info',
      `SELECT key_attributes ->> 0 AS name, value_json,
              CASE WHEN value_json IS NULL THEN convert_from(value, 'UTF8') END AS text
         FROM world_state
        WHERE channel = $1 AND namespace = $2 AND collection = '' AND object_type = 'token'`,
      [this.channel, this.chaincode],
    );
    const byName = new Map(rows.map((row) => [row.name, row]));
    const config = byName.get('config')?.value_json as
      { name?: string; symbol?: string; decimals?: number; cap?: string } | undefined;
    if (!config || typeof config.decimals !== 'number') {
      return {
        initialized: false,
        name: null,
        symbol: null,
        decimals: 0,
        cap: null,
        totalSupply: null,
        adminMspId: null,
      };
    }
    // As the chaincode's TotalSupply: minted minus each burning account's running `burned` total.
    const burns = await this.query<{ burned: string }>(
      'token_burns',
      `SELECT COALESCE(SUM(datasync_base_units(value)), 0)::text AS burned FROM world_state
        WHERE channel = $1 AND namespace = $2 AND collection = '' AND object_type = 'burned'`,
      [this.channel, this.chaincode],
    );
    const minted = BigInt(byName.get('minted')?.text ?? '0');
    const supply = minted - BigInt(burns[0]?.burned ?? '0');
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
    const conditions = new Conditions();
    conditions.add((p) => `channel = ${p}`, this.channel);
    conditions.add((p) => `chaincode = ${p}`, this.chaincode);
    if (query.account !== undefined) conditions.add((p) => `account = ${p}`, query.account);
    if (query.minBalance !== undefined) {
      const base = toBaseUnits(query.minBalance, decimals);
      if (base === undefined) {
        throw new AmountError(`minBalance has more than the token's ${decimals} decimals`);
      }
      conditions.add((p) => `balance >= ${p}::numeric`, base);
    }
    const columns = BALANCE_SORTS[query.sort];
    const sortName = `${query.descending ? '-' : ''}${query.sort}`;
    const filters: Filters = { account: query.account, minBalance: query.minBalance };
    if (query.cursor !== undefined) {
      conditions.after(
        columns,
        decodeCursor(query.cursor, sortName, filters, columns.length),
        query.descending,
      );
    }
    const limit = conditions.placeholder(query.limit + 1);
    const rows = await this.query<{
      account: string;
      balance: string;
      balance_text: string;
      pending_text: string;
      pending_credit_count: number;
      last_block: string;
    }>(
      'list_balances',
      // Text aliases get other names: ORDER BY would otherwise sort the text, not the number.
      `SELECT account, balance::text AS balance_text, pending_credits::text AS pending_text,
              pending_credit_count, last_block, balance
         FROM v_token_balances ${conditions.where()}
        ORDER BY ${orderBy(columns, query.descending)} LIMIT ${limit}`,
      conditions.values,
    );
    const items = rows.slice(0, query.limit).map((row) => ({
      account: row.account,
      balance: formatAmount(row.balance_text, decimals),
      balanceBaseUnits: row.balance_text,
      pendingCredits: formatAmount(row.pending_text, decimals),
      pendingCreditCount: row.pending_credit_count,
      lastBlock: Number(row.last_block),
    }));
    const last = rows.length > query.limit ? rows[query.limit - 1] : undefined;
    return {
      items,
      nextCursor: last
        ? encodeCursor(
            sortName,
            columns.map((column) =>
              column.column === 'balance'
                ? last.balance_text
                : String(last[column.column as 'account']),
            ),
            filters,
          )
        : null,
    };
  }

  async listTransactions(query: TransactionQuery): Promise<Page<LedgerTransaction>> {
    const conditions = new Conditions();
    conditions.add((p) => `channel = ${p}`, this.channel);
    if (query.txId !== undefined) conditions.add((p) => `tx_id = ${p}`, query.txId);
    if (query.function !== undefined) conditions.add((p) => `function = ${p}`, query.function);
    if (query.creatorMsp !== undefined) {
      conditions.add((p) => `creator_msp = ${p}`, query.creatorMsp);
    }
    if (query.valid !== undefined) conditions.add((p) => `valid = ${p}`, query.valid);
    if (query.correlationId !== undefined) {
      const id = conditions.placeholder(query.correlationId);
      const txIds = conditions.placeholder(query.correlatedTxIds ?? []);
      conditions.sql.push(`(correlation_id = ${id} OR tx_id = ANY(${txIds}::text[]))`);
    }
    if (query.fromBlock !== undefined) {
      conditions.add((p) => `block_number >= ${p}::bigint`, query.fromBlock);
    }
    if (query.toBlock !== undefined) {
      conditions.add((p) => `block_number <= ${p}::bigint`, query.toBlock);
    }
    const filters: Filters = {
      txId: query.txId,
      function: query.function,
      creatorMsp: query.creatorMsp,
      valid: query.valid,
      correlationId: query.correlationId,
      fromBlock: query.fromBlock,
      toBlock: query.toBlock,
    };
    if (query.cursor !== undefined) {
      conditions.after(TRANSACTION_ORDER, decodeCursor(query.cursor, 'newest', filters, 2), true);
    }
    const limit = conditions.placeholder(query.limit + 1);
    const rows = await this.query<{
      tx_id: string;
      block_number: string;
      tx_index: number;
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
    }>(
      'list_transactions',
      `SELECT tx_id, block_number, tx_index, type, timestamp, creator_msp, chaincode, function,
              validation_code, validation_name, valid, correlation_id, block_hash, event_names
         FROM v_recent_transactions ${conditions.where()}
        ORDER BY block_number DESC, tx_index DESC LIMIT ${limit}`,
      conditions.values,
    );
    const items = rows.slice(0, query.limit).map((row) => ({
      txId: row.tx_id,
      blockNumber: Number(row.block_number),
      txIndex: row.tx_index,
      type: row.type,
      timestamp: iso(row.timestamp),
      creatorMsp: row.creator_msp,
      chaincode: row.chaincode,
      function: row.function,
      validationCode: row.validation_code,
      validationName: row.validation_name,
      valid: row.valid,
      correlationId: row.correlation_id,
      blockHash: row.block_hash,
      events: row.event_names,
    }));
    const last = rows.length > query.limit ? rows[query.limit - 1] : undefined;
    return {
      items,
      nextCursor: last
        ? encodeCursor('newest', [last.block_number, String(last.tx_index)], filters)
        : null,
    };
  }

  async close(): Promise<void> {
    this.#waiter.close();
    await this.pool.end();
  }
}
