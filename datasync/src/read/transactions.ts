// SPDX-License-Identifier: Apache-2.0
import { sql } from 'kysely';

import type { Direction } from './cursor';
import type { MirrorDb } from './schema';
import { iso } from './schema';
import { beyond, ledgerOrder, travelRows } from './sorted';
import { valueColumns } from './values';

const TX_COLUMNS = [
  't.channel',
  't.block_number',
  't.tx_index',
  't.tx_id',
  't.type',
  't.timestamp',
  't.creator_msp',
  't.chaincode',
  't.function',
  't.validation_code',
  't.validation_name',
] as const;

/** A block's transactions in index order, `limit + 1` in travel order. */
export function blockTransactions(
  db: MirrorDb,
  channel: string,
  number: number,
  travel: Direction<[number]>,
  limit: number,
) {
  const query = db
    .selectFrom('transactions as t')
    .select(TX_COLUMNS)
    .where('t.channel', '=', channel)
    .where('t.block_number', '=', String(number));
  return travelRows(query, ['t.tx_index'], travel, limit);
}

export type TransactionRow = Awaited<ReturnType<typeof blockTransactions>>[number];

/** A mirrored transaction as the mirror's readers answer with it, numbers and times as JSON. */
export interface TransactionView {
  blockNumber: number;
  txIndex: number;
  txId: string;
  /** HeaderType name, e.g. ENDORSER_TRANSACTION or CONFIG. */
  type: string;
  timestamp: string | null;
  creatorMsp: string | null;
  chaincode: string | null;
  function: string | null;
  validationCode: number;
  validationName: string;
  valid: boolean;
}

export function toTransactionView(row: TransactionRow): TransactionView {
  return {
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

export interface TransactionFilter {
  chaincode?: string;
  valid?: boolean;
}

/** A channel's transactions newest first, `limit + 1` in travel order. */
export function listTransactions(
  db: MirrorDb,
  channel: string,
  filter: TransactionFilter,
  travel: Direction<[number, number]>,
  limit: number,
) {
  let query = db
    .selectFrom('transactions as t')
    .select(TX_COLUMNS)
    .where('t.channel', '=', channel);
  if (filter.chaincode !== undefined) query = query.where('t.chaincode', '=', filter.chaincode);
  if (filter.valid !== undefined) {
    query = query.where('t.validation_code', filter.valid ? '=' : '<>', 0);
  }
  const [block, index] = travel.kind === 'first' ? [Number.MAX_SAFE_INTEGER, 0] : travel.key;
  const newer = travel.kind === 'before';
  return query
    .where((eb) =>
      eb(
        eb.refTuple('t.block_number', 't.tx_index'),
        newer ? '>' : '<',
        eb.tuple(String(block), index),
      ),
    )
    .orderBy('t.block_number', newer ? 'asc' : 'desc')
    .orderBy('t.tx_index', newer ? 'asc' : 'desc')
    .limit(limit + 1)
    .execute();
}

/** Every transaction with this id on the channel (a ledger can hold an id twice), at most 20. */
export function transactionsById(db: MirrorDb, channel: string, txId: string) {
  return db
    .selectFrom('transactions as t')
    .innerJoin('blocks as b', (join) =>
      join.onRef('b.channel', '=', 't.channel').onRef('b.number', '=', 't.block_number'),
    )
    .select(TX_COLUMNS)
    .select(['t.creator_subject', 't.correlation_id', 'b.hash as block_hash'])
    .where('t.channel', '=', channel)
    .where('t.tx_id', '=', txId)
    .orderBy('t.block_number')
    .orderBy('t.tx_index')
    .limit(20)
    .execute();
}

/** Transactions with this id on any channel, for search. */
export function transactionsWithId(db: MirrorDb, txId: string) {
  return db
    .selectFrom('transactions')
    .select(['channel', 'block_number', 'tx_index', 'tx_id', 'validation_code'])
    .where('tx_id', '=', txId)
    .orderBy('channel')
    .orderBy('block_number')
    .orderBy('tx_index')
    .limit(20)
    .execute();
}

/** A transaction's writes in order, values cut at `valueBytes`, `limit + 1` in travel order. */
export function transactionWrites(
  db: MirrorDb,
  at: { channel: string; blockNumber: number; txIndex: number },
  travel: Direction<[number]>,
  limit: number,
  valueBytes: number,
) {
  const query = db
    .selectFrom('writes as w')
    .select([
      'w.write_index',
      'w.namespace',
      'w.collection',
      'w.key',
      'w.object_type',
      'w.key_attributes',
      'w.is_delete',
    ])
    .select(valueColumns('w', valueBytes))
    .where('w.channel', '=', at.channel)
    .where('w.block_number', '=', String(at.blockNumber))
    .where('w.tx_index', '=', at.txIndex);
  return travelRows(query, ['w.write_index'], travel, limit);
}

/** A transaction's chaincode events (datasync keeps them for valid transactions only). */
export function transactionEvents(
  db: MirrorDb,
  at: { channel: string; blockNumber: number; txIndex: number },
) {
  return db
    .selectFrom('chaincode_events')
    .select(['event_index', 'chaincode', 'event_name', 'payload', 'payload_json'])
    .where('channel', '=', at.channel)
    .where('block_number', '=', String(at.blockNumber))
    .where('tx_index', '=', at.txIndex)
    .orderBy('event_index')
    .limit(100)
    .execute();
}

export interface RecentFilter {
  txId?: string;
  function?: string;
  creatorMsp?: string;
  valid?: boolean;
  /** Matches the ledger's correlation id, or any of `correlatedTxIds`. */
  correlationId?: string;
  correlatedTxIds?: string[];
  fromBlock?: number;
  toBlock?: number;
}

/**
 * A channel's transactions newest first with block hash and events; `limit + 1`. The rows of
 * v_recent_transactions, but the page is chosen from the transactions alone and only its rows
 * look up their block hash and event names: the view is planned on its own (its ORDER BY keeps
 * it from being merged into this query) for every row behind the cursor, so a page some
 * thousands of rows deep sorted all of them and looked up each one's hash and events first.
 */
export function recentTransactions(
  db: MirrorDb,
  channel: string,
  filter: RecentFilter,
  after: readonly (string | number)[] | undefined,
  limit: number,
) {
  let page = db
    .selectFrom('transactions as t')
    .select([...TX_COLUMNS, sql<boolean>`t.validation_code = 0`.as('valid'), 't.correlation_id'])
    .where('t.channel', '=', channel);
  if (filter.txId !== undefined) page = page.where('t.tx_id', '=', filter.txId);
  if (filter.function !== undefined) page = page.where('t.function', '=', filter.function);
  if (filter.creatorMsp !== undefined) page = page.where('t.creator_msp', '=', filter.creatorMsp);
  if (filter.valid !== undefined) {
    page = page.where('t.validation_code', filter.valid ? '=' : '<>', 0);
  }
  if (filter.correlationId !== undefined) {
    const { correlationId } = filter;
    const txIds = filter.correlatedTxIds ?? [];
    page = page.where(
      sql<boolean>`(t.correlation_id = ${correlationId} OR t.tx_id = ANY(${txIds}::text[]))`,
    );
  }
  if (filter.fromBlock !== undefined) {
    page = page.where(sql<boolean>`t.block_number >= ${filter.fromBlock}::bigint`);
  }
  if (filter.toBlock !== undefined) {
    page = page.where(sql<boolean>`t.block_number <= ${filter.toBlock}::bigint`);
  }
  if (after !== undefined) page = page.where(beyond(ledgerOrder('t'), after, true));
  const rows = page
    .orderBy('t.block_number', 'desc')
    .orderBy('t.tx_index', 'desc')
    .limit(limit + 1)
    .as('p');
  return db
    .selectFrom(rows)
    .selectAll('p')
    .select([
      sql<string>`(SELECT b.hash FROM blocks b
                    WHERE b.channel = p.channel AND b.number = p.block_number)`.as('block_hash'),
      sql<string[]>`(SELECT COALESCE(array_agg(e.event_name ORDER BY e.event_index), '{}')
                       FROM chaincode_events e
                      WHERE e.channel = p.channel AND e.block_number = p.block_number
                        AND e.tx_index = p.tx_index)`.as('event_names'),
    ])
    .orderBy('p.block_number', 'desc')
    .orderBy('p.tx_index', 'desc')
    .execute();
}
