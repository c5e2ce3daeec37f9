// SPDX-License-Identifier: Apache-2.0
import { sql } from 'kysely';

import type { Direction } from './cursor';
import type { MirrorDb } from './schema';
import { beyond } from './sorted';
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
  return (
    travel.kind === 'before'
      ? query.where('t.tx_index', '<', travel.key[0]).orderBy('t.tx_index', 'desc')
      : query
          .where('t.tx_index', '>', travel.kind === 'first' ? -1 : travel.key[0])
          .orderBy('t.tx_index', 'asc')
  )
    .limit(limit + 1)
    .execute();
}

export type TransactionRow = Awaited<ReturnType<typeof blockTransactions>>[number];

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
  return (
    travel.kind === 'before'
      ? query.where('w.write_index', '<', travel.key[0]).orderBy('w.write_index', 'desc')
      : query
          .where('w.write_index', '>', travel.kind === 'first' ? -1 : travel.key[0])
          .orderBy('w.write_index', 'asc')
  )
    .limit(limit + 1)
    .execute();
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

/** A channel's transactions newest first with block hash and events; `limit + 1`. */
export function recentTransactions(
  db: MirrorDb,
  channel: string,
  filter: RecentFilter,
  after: readonly (string | number)[] | undefined,
  limit: number,
) {
  let query = db.selectFrom('v_recent_transactions').selectAll().where('channel', '=', channel);
  if (filter.txId !== undefined) query = query.where('tx_id', '=', filter.txId);
  if (filter.function !== undefined) query = query.where('function', '=', filter.function);
  if (filter.creatorMsp !== undefined) query = query.where('creator_msp', '=', filter.creatorMsp);
  if (filter.valid !== undefined) query = query.where('valid', '=', filter.valid);
  if (filter.correlationId !== undefined) {
    const { correlationId } = filter;
    const txIds = filter.correlatedTxIds ?? [];
    query = query.where(
      sql<boolean>`(correlation_id = ${correlationId} OR tx_id = ANY(${txIds}::text[]))`,
    );
  }
  if (filter.fromBlock !== undefined) {
    query = query.where(sql<boolean>`block_number >= ${filter.fromBlock}::bigint`);
  }
  if (filter.toBlock !== undefined) {
    query = query.where(sql<boolean>`block_number <= ${filter.toBlock}::bigint`);
  }
  if (after !== undefined) {
    query = query.where(
      beyond(
        [
          { column: 'block_number', cast: 'bigint' },
          { column: 'tx_index', cast: 'integer' },
        ],
        after,
        true,
      ),
    );
  }
  return query
    .orderBy('block_number', 'desc')
    .orderBy('tx_index', 'desc')
    .limit(limit + 1)
    .execute();
}
