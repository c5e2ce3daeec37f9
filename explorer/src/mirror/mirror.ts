import type pg from 'pg';
import { z } from 'zod';

import type {
  Activity,
  ActivityRange,
  Asset,
  BlockDetail,
  BlockSummary,
  ChaincodeInfo,
  ChaincodeList,
  EventRecord,
  KeyDetail,
  KeyHistoryEntry,
  Page,
  SearchHit,
  StateEntry,
  StatePage,
  TokenBalance,
  TransactionDetail,
  TransactionSummary,
  WriteRecord,
} from '../http/api-types';
import type { Direction } from './cursor';
import { toPage } from './cursor';
import { chaincodeDefinitions } from './lifecycle';
import { TotalsCache } from './totals';
import { containsPattern, escapeKey, keyView, valueView } from './values';

/** Values longer than this are cut in lists; detail pages show them whole. */
const PREVIEW_BYTES = 1024;
/** A key's full value is shown up to this size; larger values are cut even on detail pages. */
const DETAIL_BYTES = 256 * 1024;

const iso = (value: Date | null) => (value ? value.toISOString() : null);

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

interface BlockRow {
  channel: string;
  number: string;
  hash: string;
  previous_hash: string;
  data_hash: string;
  data_hash_valid: boolean;
  tx_count: number;
  valid_count: string;
  is_config: boolean;
  timestamp: Date | null;
  mirrored_at: Date;
}

const BLOCK_COLUMNS = `b.channel, b.number, b.hash, b.previous_hash, b.data_hash, b.data_hash_valid,
  b.tx_count, b.is_config, b.timestamp, b.mirrored_at,
  (SELECT count(*) FROM transactions t
    WHERE t.channel = b.channel AND t.block_number = b.number AND t.validation_code = 0)
    AS valid_count`;

function toBlock(row: BlockRow): BlockSummary {
  return {
    channel: row.channel,
    number: Number(row.number),
    hash: row.hash,
    previousHash: row.previous_hash,
    dataHash: row.data_hash,
    dataHashValid: row.data_hash_valid,
    txCount: row.tx_count,
    validCount: Number(row.valid_count),
    isConfig: row.is_config,
    timestamp: iso(row.timestamp),
    mirroredAt: row.mirrored_at.toISOString(),
  };
}

interface TxRow {
  channel: string;
  block_number: string;
  tx_index: number;
  tx_id: string;
  type: string;
  timestamp: Date | null;
  creator_msp: string | null;
  chaincode: string | null;
  function: string | null;
  validation_code: number;
  validation_name: string;
}

const TX_COLUMNS = `t.channel, t.block_number, t.tx_index, t.tx_id, t.type, t.timestamp,
  t.creator_msp, t.chaincode, t.function, t.validation_code, t.validation_name`;

function toTransaction(row: TxRow): TransactionSummary {
  return {
    channel: row.channel,
    blockNumber: Number(row.block_number),
    txIndex: row.tx_index,
    txId: row.tx_id,
    type: row.type,
    timestamp: iso(row.timestamp),
    creatorMsp: row.creator_msp,
    chaincode: row.chaincode,
    function: row.function,
    validationCode: row.validation_code,
    validationName: row.validation_name,
    valid: row.validation_code === 0,
  };
}

interface ValueColumns {
  value: Buffer | null;
  value_json: unknown;
  value_size: number | null;
}

/** Selects at most `limit` bytes of a bytea column, its size, and its JSON when small enough. */
const valueColumns = (alias: string, limit: number) => `
  substring(${alias}.value FROM 1 FOR ${limit}) AS value,
  octet_length(${alias}.value) AS value_size,
  CASE WHEN octet_length(${alias}.value) <= ${limit} THEN ${alias}.value_json END AS value_json`;

const toValue = (row: ValueColumns, limit: number) =>
  valueView(row.value, row.value_json, row.value_size ?? 0, limit);

interface StateRow extends ValueColumns {
  namespace: string;
  collection: string;
  key: string;
  object_type: string | null;
  key_attributes: unknown;
  block_number: string;
  tx_index: number;
  tx_id: string;
}

const toStateEntry = (row: StateRow, limit: number): StateEntry => ({
  namespace: row.namespace,
  collection: row.collection,
  key: keyView(row.key, row.object_type, row.key_attributes),
  value: toValue(row, limit),
  blockNumber: Number(row.block_number),
  txIndex: row.tx_index,
  txId: row.tx_id,
});

const RANGES: Record<ActivityRange, { seconds: number; bucket: number }> = {
  '1h': { seconds: 3600, bucket: 60 },
  '6h': { seconds: 6 * 3600, bucket: 300 },
  '24h': { seconds: 24 * 3600, bucket: 1800 },
  '7d': { seconds: 7 * 24 * 3600, bucket: 6 * 3600 },
};

export interface TransactionFilter {
  chaincode?: string;
  valid?: boolean;
}

export interface AssetFilter {
  ownerMsp?: string;
  status?: string;
}

/**
 * Every question the explorer asks the mirror. Lists page by keyset (never OFFSET) and read the
 * base tables where their primary keys give the order; datasync's read views are used where
 * they already give the answer (sync status, assets, token balances).
 */
export class Mirror {
  readonly totals: TotalsCache;

  constructor(private readonly pool: pg.Pool) {
    this.totals = new TotalsCache(pool);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1 FROM checkpoints LIMIT 1');
  }

  async syncStatus(): Promise<SyncRow[]> {
    const { rows } = await this.pool.query<{
      channel: string;
      last_block: string;
      last_hash: string | null;
      last_block_timestamp: Date | null;
      updated_at: Date | null;
      outbox_pending: string;
    }>(
      `SELECT channel, last_block, last_hash, last_block_timestamp, updated_at, outbox_pending
         FROM v_sync_status ORDER BY channel`,
    );
    return rows.map((row) => ({
      channel: row.channel,
      lastBlock: Number(row.last_block),
      lastHash: row.last_hash,
      lastBlockTime: iso(row.last_block_timestamp),
      mirroredAt: iso(row.updated_at),
      outboxPending: Number(row.outbox_pending),
    }));
  }

  /** Last block number per channel, straight from the checkpoints (the live feed polls this). */
  async checkpoints(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ channel: string; last_block: string }>(
      'SELECT channel, last_block FROM checkpoints',
    );
    return new Map(rows.map((row) => [row.channel, Number(row.last_block)]));
  }

  async lastBlock(channel: string): Promise<{ number: number; time: Date | null } | undefined> {
    const { rows } = await this.pool.query<{ last_block: string; timestamp: Date | null }>(
      `SELECT c.last_block, b.timestamp FROM checkpoints c
         LEFT JOIN blocks b ON b.channel = c.channel AND b.number = c.last_block
        WHERE c.channel = $1`,
      [channel],
    );
    const row = rows[0];
    return row ? { number: Number(row.last_block), time: row.timestamp } : undefined;
  }

  /**
   * Transactions per time bucket, chaincode and organization over a window that ends at the
   * newest block (or now, before the first one).
   */
  async activity(channel: string, range: ActivityRange): Promise<Activity> {
    const { seconds, bucket } = RANGES[range];
    const last = await this.lastBlock(channel);
    const endMs = (last?.time ?? new Date()).getTime();
    // buckets aligned to whole multiples of their size, the last one holding the newest block
    const to = new Date((Math.floor(endMs / 1000 / bucket) + 1) * bucket * 1000);
    const from = new Date(to.getTime() - seconds * 1000);
    const window = [channel, from, to];
    const [series, chaincodes, orgs] = await Promise.all([
      this.pool.query<{ bucket: Date; valid: string; invalid: string }>(
        `SELECT date_bin(make_interval(secs => $4), timestamp, $2::timestamptz) AS bucket,
                count(*) FILTER (WHERE validation_code = 0) AS valid,
                count(*) FILTER (WHERE validation_code <> 0) AS invalid
           FROM transactions
          WHERE channel = $1 AND timestamp >= $2 AND timestamp < $3
          GROUP BY 1 ORDER BY 1`,
        [...window, bucket],
      ),
      this.pool.query<{ name: string; valid: string; invalid: string }>(
        `SELECT coalesce(chaincode, '(none)') AS name,
                count(*) FILTER (WHERE validation_code = 0) AS valid,
                count(*) FILTER (WHERE validation_code <> 0) AS invalid
           FROM transactions
          WHERE channel = $1 AND timestamp >= $2 AND timestamp < $3
          GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 12`,
        window,
      ),
      this.pool.query<{ name: string; valid: string; invalid: string }>(
        `SELECT coalesce(creator_msp, '(unknown)') AS name,
                count(*) FILTER (WHERE validation_code = 0) AS valid,
                count(*) FILTER (WHERE validation_code <> 0) AS invalid
           FROM transactions
          WHERE channel = $1 AND timestamp >= $2 AND timestamp < $3
          GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 12`,
        window,
      ),
    ]);
    const counted = new Map(series.rows.map((row) => [row.bucket.getTime(), row]));
    const points = [];
    for (let time = from.getTime(); time < to.getTime(); time += bucket * 1000) {
      const row = counted.get(time);
      points.push({
        time: new Date(time).toISOString(),
        valid: Number(row?.valid ?? 0),
        invalid: Number(row?.invalid ?? 0),
      });
    }
    const counts = (row: { valid: string; invalid: string }) => ({
      valid: Number(row.valid),
      invalid: Number(row.invalid),
    });
    return {
      channel,
      range,
      from: from.toISOString(),
      to: to.toISOString(),
      bucketSeconds: bucket,
      points,
      byChaincode: chaincodes.rows.map((row) => ({ chaincode: row.name, ...counts(row) })),
      byOrg: orgs.rows.map((row) => ({ mspId: row.name, ...counts(row) })),
    };
  }

  async blocks(
    channel: string,
    travel: Direction<[number]>,
    limit: number,
  ): Promise<Page<BlockSummary>> {
    const { rows } = await this.pool.query<BlockRow>(
      travel.kind === 'before'
        ? `SELECT ${BLOCK_COLUMNS} FROM blocks b
            WHERE b.channel = $1 AND b.number > $2 ORDER BY b.number ASC LIMIT $3`
        : `SELECT ${BLOCK_COLUMNS} FROM blocks b
            WHERE b.channel = $1 AND b.number < $2 ORDER BY b.number DESC LIMIT $3`,
      [channel, travel.kind === 'first' ? Number.MAX_SAFE_INTEGER : travel.key[0], limit + 1],
    );
    return toPage(rows, limit, travel, (row) => [Number(row.number)], toBlock);
  }

  async block(channel: string, number: number): Promise<BlockDetail | undefined> {
    const { rows } = await this.pool.query<BlockRow & { last_block: string }>(
      `SELECT ${BLOCK_COLUMNS},
              (SELECT last_block FROM checkpoints c WHERE c.channel = b.channel) AS last_block
         FROM blocks b WHERE b.channel = $1 AND b.number = $2`,
      [channel, number],
    );
    const row = rows[0];
    if (!row) return undefined;
    return { block: toBlock(row), lastBlock: Number(row.last_block) };
  }

  async blockTransactions(
    channel: string,
    number: number,
    travel: Direction<[number]>,
    limit: number,
  ): Promise<Page<TransactionSummary>> {
    const { rows } = await this.pool.query<TxRow>(
      travel.kind === 'before'
        ? `SELECT ${TX_COLUMNS} FROM transactions t
            WHERE t.channel = $1 AND t.block_number = $2 AND t.tx_index < $3
            ORDER BY t.tx_index DESC LIMIT $4`
        : `SELECT ${TX_COLUMNS} FROM transactions t
            WHERE t.channel = $1 AND t.block_number = $2 AND t.tx_index > $3
            ORDER BY t.tx_index ASC LIMIT $4`,
      [channel, number, travel.kind === 'first' ? -1 : travel.key[0], limit + 1],
    );
    return toPage(rows, limit, travel, (row) => [row.tx_index], toTransaction);
  }

  async transactions(
    channel: string,
    filter: TransactionFilter,
    travel: Direction<[number, number]>,
    limit: number,
  ): Promise<Page<TransactionSummary>> {
    const conditions = ['t.channel = $1'];
    const values: unknown[] = [channel];
    if (filter.chaincode !== undefined) {
      values.push(filter.chaincode);
      conditions.push(`t.chaincode = $${values.length}`);
    }
    if (filter.valid !== undefined) {
      conditions.push(filter.valid ? 't.validation_code = 0' : 't.validation_code <> 0');
    }
    const position: [number, number] =
      travel.kind === 'first' ? [Number.MAX_SAFE_INTEGER, 0] : travel.key;
    values.push(position[0], position[1], limit + 1);
    const [block, index, count] = [values.length - 2, values.length - 1, values.length];
    const { rows } = await this.pool.query<TxRow>(
      travel.kind === 'before'
        ? `SELECT ${TX_COLUMNS} FROM transactions t
            WHERE ${conditions.join(' AND ')} AND (t.block_number, t.tx_index) > ($${block}, $${index})
            ORDER BY t.block_number ASC, t.tx_index ASC LIMIT $${count}`
        : `SELECT ${TX_COLUMNS} FROM transactions t
            WHERE ${conditions.join(' AND ')} AND (t.block_number, t.tx_index) < ($${block}, $${index})
            ORDER BY t.block_number DESC, t.tx_index DESC LIMIT $${count}`,
      values,
    );
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
    const { rows } = await this.pool.query<
      TxRow & { creator_subject: string | null; correlation_id: string | null; block_hash: string }
    >(
      `SELECT ${TX_COLUMNS}, t.creator_subject, t.correlation_id, b.hash AS block_hash
         FROM transactions t
         JOIN blocks b ON b.channel = t.channel AND b.number = t.block_number
        WHERE t.channel = $1 AND t.tx_id = $2
        ORDER BY t.block_number, t.tx_index LIMIT 20`,
      [channel, txId],
    );
    const chosen =
      rows.find(
        (row) => at && Number(row.block_number) === at.blockNumber && row.tx_index === at.txIndex,
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
    const { rows } = await this.pool.query<
      ValueColumns & {
        write_index: number;
        namespace: string;
        collection: string;
        key: string;
        object_type: string | null;
        key_attributes: unknown;
        is_delete: boolean;
      }
    >(
      `SELECT w.write_index, w.namespace, w.collection, w.key, w.object_type, w.key_attributes,
              w.is_delete, ${valueColumns('w', PREVIEW_BYTES)}
         FROM writes w
        WHERE w.channel = $1 AND w.block_number = $2 AND w.tx_index = $3
          AND ${travel.kind === 'before' ? 'w.write_index < $4' : 'w.write_index > $4'}
        ORDER BY w.write_index ${travel.kind === 'before' ? 'DESC' : 'ASC'} LIMIT $5`,
      [channel, blockNumber, txIndex, travel.kind === 'first' ? -1 : travel.key[0], limit + 1],
    );
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
    const { rows } = await this.pool.query<{
      event_index: number;
      chaincode: string;
      event_name: string;
      payload: Buffer;
      payload_json: unknown;
    }>(
      `SELECT event_index, chaincode, event_name, payload, payload_json
         FROM chaincode_events
        WHERE channel = $1 AND block_number = $2 AND tx_index = $3
        ORDER BY event_index LIMIT 100`,
      [channel, blockNumber, txIndex],
    );
    return rows.map((row) => ({
      index: row.event_index,
      chaincode: row.chaincode,
      name: row.event_name,
      payload: valueView(row.payload, row.payload_json, row.payload.length, DETAIL_BYTES),
    }));
  }

  async chaincodes(channel: string): Promise<ChaincodeList> {
    const last = await this.lastBlock(channel);
    const [totals, lifecycle] = await Promise.all([
      this.totals.get(channel, last?.number ?? -1),
      this.pool.query<{
        key: string;
        value: Buffer;
        block_number: string;
        tx_index: number;
        tx_id: string;
      }>(
        `SELECT key, value, block_number, tx_index, tx_id FROM world_state
          WHERE channel = $1 AND namespace = '_lifecycle' AND collection = ''
            AND key LIKE 'namespaces/fields/%'`,
        [channel],
      ),
    ]);
    const definitions = chaincodeDefinitions(
      lifecycle.rows.map((row) => ({
        key: row.key,
        value: row.value,
        blockNumber: Number(row.block_number),
        txIndex: row.tx_index,
        txId: row.tx_id,
      })),
    );
    const counts = (name: string) => {
      const found = totals.byChaincode.get(name);
      return {
        transactions: {
          total: found?.total ?? 0,
          valid: found?.valid ?? 0,
          invalid: found?.invalid ?? 0,
        },
        ...(found ? { lastBlock: found.lastBlock } : {}),
      };
    };
    const items: ChaincodeInfo[] = definitions.map((definition) => ({
      ...definition,
      source: 'lifecycle',
      ...counts(definition.name),
    }));
    const defined = new Set(definitions.map((definition) => definition.name));
    for (const name of [...totals.byChaincode.keys()].sort()) {
      if (name === '' || defined.has(name)) continue;
      items.push({ name, source: 'transactions', ...counts(name) });
    }
    return { lifecycleMirrored: definitions.length > 0, items };
  }

  /** Distinct values of an indexed column by skip scan: one index probe per value. */
  async namespaces(channel: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ namespace: string }>(
      `WITH RECURSIVE ns AS (
         (SELECT namespace FROM world_state WHERE channel = $1 ORDER BY namespace LIMIT 1)
         UNION ALL
         SELECT (SELECT w.namespace FROM world_state w
                  WHERE w.channel = $1 AND w.namespace > ns.namespace
                  ORDER BY w.namespace LIMIT 1)
           FROM ns WHERE ns.namespace IS NOT NULL)
       SELECT namespace FROM ns WHERE namespace IS NOT NULL LIMIT 500`,
      [channel],
    );
    return rows.map((row) => row.namespace);
  }

  async objectTypes(channel: string, namespace: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ object_type: string }>(
      `WITH RECURSIVE types AS (
         (SELECT object_type FROM world_state
           WHERE channel = $1 AND namespace = $2 AND object_type IS NOT NULL
           ORDER BY object_type LIMIT 1)
         UNION ALL
         SELECT (SELECT w.object_type FROM world_state w
                  WHERE w.channel = $1 AND w.namespace = $2 AND w.object_type > types.object_type
                  ORDER BY w.object_type LIMIT 1)
           FROM types WHERE types.object_type IS NOT NULL)
       SELECT object_type FROM types WHERE object_type IS NOT NULL LIMIT 200`,
      [channel, namespace],
    );
    return rows.map((row) => row.object_type);
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
    const conditions = ['ws.channel = $1', 'ws.namespace = $2'];
    const values: unknown[] = [channel, namespace];
    if (filter.objectType !== undefined) {
      values.push(filter.objectType);
      conditions.push(`ws.object_type = $${values.length}`);
    }
    if (filter.search) {
      values.push(containsPattern(escapeKey(filter.search)));
      conditions.push(`ws.key ILIKE $${values.length} ESCAPE '!'`);
    }
    const base = conditions.join(' AND ');
    const query = async (where: string, order: 'ASC' | 'DESC', extra: unknown[], n: number) =>
      this.pool.query<StateRow>(
        `SELECT ws.namespace, ws.collection, ws.key, ws.object_type, ws.key_attributes,
                ws.block_number, ws.tx_index, ws.tx_id, ${valueColumns('ws', PREVIEW_BYTES)}
           FROM world_state ws
          WHERE ${base}${where}
          ORDER BY ws.collection ${order}, ws.key ${order} LIMIT ${n}`,
        [...values, ...extra],
      );
    const cursorAt = values.length + 1;
    const [page, objectTypes] = await Promise.all([
      travel.kind === 'first'
        ? query('', 'ASC', [], limit + 1)
        : query(
            ` AND (ws.collection, ws.key) ${travel.kind === 'after' ? '>' : '<'} ($${cursorAt}, $${cursorAt + 1})`,
            travel.kind === 'after' ? 'ASC' : 'DESC',
            travel.key,
            limit + 1,
          ),
      this.objectTypes(channel, namespace),
    ]);
    // keys can be deleted, so whether anything lies beyond the cursor is asked, not assumed
    let otherSide = false;
    if (travel.kind !== 'first') {
      const probe = await query(
        ` AND (ws.collection, ws.key) ${travel.kind === 'after' ? '<=' : '>='} ($${cursorAt}, $${cursorAt + 1})`,
        'ASC',
        travel.key,
        1,
      );
      otherSide = probe.rows.length > 0;
    }
    return {
      ...toPage(
        page.rows,
        limit,
        travel,
        (row) => [row.collection, row.key],
        (row) => toStateEntry(row, PREVIEW_BYTES),
        otherSide,
      ),
      objectTypes,
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
    const position =
      travel.kind === 'first' ? [Number.MAX_SAFE_INTEGER, 0, 0] : (travel.key as number[]);
    const [current, history] = await Promise.all([
      this.pool.query<StateRow>(
        `SELECT ws.namespace, ws.collection, ws.key, ws.object_type, ws.key_attributes,
                ws.block_number, ws.tx_index, ws.tx_id, ${valueColumns('ws', DETAIL_BYTES)}
           FROM world_state ws
          WHERE ws.channel = $1 AND ws.namespace = $2 AND ws.collection = $3 AND ws.key = $4`,
        [channel, namespace, collection, key],
      ),
      this.pool.query<
        ValueColumns & {
          block_number: string;
          tx_index: number;
          write_index: number;
          tx_id: string;
          is_delete: boolean;
          validation_code: number;
          timestamp: Date | null;
          object_type: string | null;
          key_attributes: unknown;
        }
      >(
        `SELECT w.block_number, w.tx_index, w.write_index, w.tx_id, w.is_delete, w.object_type,
                w.key_attributes, t.validation_code, t.timestamp, ${valueColumns('w', PREVIEW_BYTES)}
           FROM writes w
           JOIN transactions t ON t.channel = w.channel AND t.block_number = w.block_number
                              AND t.tx_index = w.tx_index
          WHERE w.channel = $1 AND w.namespace = $2 AND w.collection = $3 AND w.key = $4
            AND (w.block_number, w.tx_index, w.write_index) ${travel.kind === 'before' ? '>' : '<'} ($5, $6, $7)
          ORDER BY w.block_number ${travel.kind === 'before' ? 'ASC' : 'DESC'},
                   w.tx_index ${travel.kind === 'before' ? 'ASC' : 'DESC'},
                   w.write_index ${travel.kind === 'before' ? 'ASC' : 'DESC'}
          LIMIT $8`,
        [channel, namespace, collection, key, ...position, limit + 1],
      ),
    ]);
    const currentRow = current.rows[0];
    const firstWrite = history.rows[0];
    return {
      namespace,
      collection,
      key: currentRow
        ? keyView(currentRow.key, currentRow.object_type, currentRow.key_attributes)
        : keyView(key, firstWrite?.object_type ?? null, firstWrite?.key_attributes),
      ...(currentRow ? { current: toStateEntry(currentRow, DETAIL_BYTES) } : {}),
      history: toPage(
        history.rows,
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
    const conditions = ['channel = $1'];
    const values: unknown[] = [channel];
    if (filter.ownerMsp !== undefined) {
      values.push(filter.ownerMsp);
      conditions.push(`owner_msp = $${values.length}`);
    }
    if (filter.status !== undefined) {
      values.push(filter.status);
      conditions.push(`status = $${values.length}`);
    }
    if (travel.kind !== 'first') {
      values.push(...travel.key);
      conditions.push(
        `(chaincode, asset_id) ${travel.kind === 'after' ? '>' : '<'} ($${values.length - 1}, $${values.length})`,
      );
    }
    const order = travel.kind === 'before' ? 'DESC' : 'ASC';
    const { rows } = await this.pool.query<{
      chaincode: string;
      asset_id: string;
      asset_type: string | null;
      owner_msp: string | null;
      owner_id: string | null;
      status: string | null;
      attributes: unknown;
      created_at: string | null;
      updated_at: string | null;
      block_number: string;
      tx_id: string;
    }>(
      `SELECT chaincode, asset_id, asset_type, owner_msp, owner_id, status, attributes,
              created_at, updated_at, block_number, tx_id
         FROM v_assets WHERE ${conditions.join(' AND ')}
        ORDER BY chaincode ${order}, asset_id ${order} LIMIT ${limit + 1}`,
      values,
    );
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
    const order = travel.kind === 'before' ? 'DESC' : 'ASC';
    const values: unknown[] = [channel];
    let where = 'channel = $1';
    if (travel.kind !== 'first') {
      values.push(...travel.key);
      where += ` AND (chaincode, account) ${travel.kind === 'after' ? '>' : '<'} ($2, $3)`;
    }
    const { rows } = await this.pool.query<{
      chaincode: string;
      account: string;
      balance: string;
      base_balance: string;
      pending_credits: string;
      pending_credit_count: number;
      last_block: string;
    }>(
      `SELECT chaincode, account, balance::text, base_balance::text, pending_credits::text,
              pending_credit_count, last_block
         FROM v_token_balances WHERE ${where}
        ORDER BY chaincode ${order}, account ${order} LIMIT ${limit + 1}`,
      values,
    );
    return toPage(
      rows,
      limit,
      travel,
      (row) => [row.chaincode, row.account],
      (row) => ({
        chaincode: row.chaincode,
        account: row.account,
        balance: row.balance,
        baseBalance: row.base_balance,
        pendingCredits: row.pending_credits,
        pendingCreditCount: row.pending_credit_count,
        lastBlock: Number(row.last_block),
      }),
    );
  }

  /**
   * What a search box entry can mean: a block number, a transaction id, or a world-state key
   * (a whole simple key, or one part of a composite key). Every index lookup, no scans.
   */
  async search(query: string, preferredChannel?: string): Promise<SearchHit[]> {
    const text = query.trim();
    if (text === '') return [];
    const channels = [...(await this.checkpoints()).keys()].sort((a, b) =>
      a === preferredChannel ? -1 : b === preferredChannel ? 1 : a.localeCompare(b),
    );
    const hits: SearchHit[] = [];
    if (/^\d{1,15}$/.test(text)) {
      const { rows } = await this.pool.query<{ channel: string; number: string }>(
        'SELECT channel, number FROM blocks WHERE channel = ANY($1) AND number = $2',
        [channels, Number(text)],
      );
      for (const row of rows) {
        hits.push({
          kind: 'block',
          channel: row.channel,
          blockNumber: Number(row.number),
          label: `Block ${row.number} on ${row.channel}`,
        });
      }
    }
    const txId = /^[0-9a-fA-F]{64}$/.test(text) ? text.toLowerCase() : text;
    const transactions = await this.pool.query<{
      channel: string;
      block_number: string;
      tx_index: number;
      tx_id: string;
      validation_code: number;
    }>(
      `SELECT channel, block_number, tx_index, tx_id, validation_code FROM transactions
        WHERE tx_id = $1 ORDER BY channel, block_number, tx_index LIMIT 20`,
      [txId],
    );
    for (const row of transactions.rows) {
      hits.push({
        kind: 'transaction',
        channel: row.channel,
        blockNumber: Number(row.block_number),
        txIndex: row.tx_index,
        txId: row.tx_id,
        valid: row.validation_code === 0,
        label: `Transaction ${row.tx_id.slice(0, 16)}… in block ${row.block_number} on ${row.channel}`,
      });
    }
    const namespaces = new Set<string>();
    for (const channel of channels) {
      for (const namespace of await this.namespaces(channel)) namespaces.add(namespace);
    }
    const keys = await this.pool.query<{
      channel: string;
      namespace: string;
      collection: string;
      key: string;
      object_type: string | null;
      key_attributes: unknown;
    }>(
      `(SELECT channel, namespace, collection, key, object_type, key_attributes FROM world_state
         WHERE channel = ANY($1) AND namespace = ANY($2) AND collection = '' AND key = $3)
       UNION
       (SELECT channel, namespace, collection, key, object_type, key_attributes FROM world_state
         WHERE key_attributes @> jsonb_build_array($4::text) LIMIT 20)
       ORDER BY channel, namespace, collection, key LIMIT 20`,
      [channels, [...namespaces], escapeKey(text), text],
    );
    for (const row of keys.rows) {
      const key = keyView(row.key, row.object_type, row.key_attributes);
      const shown = key.objectType ? `${key.objectType} ${key.attributes?.join(' ')}` : key.raw;
      hits.push({
        kind: 'key',
        channel: row.channel,
        namespace: row.namespace,
        collection: row.collection,
        key,
        label: `Key ${shown} of ${row.namespace} on ${row.channel}`,
      });
    }
    return hits;
  }
}
