// SPDX-License-Identifier: Apache-2.0
import type { MirrorDb } from './schema';

/**
 * The Postgres notification channel datasync signals each applied block on, with the payload
 * `{"channel": …, "block": …}` (sent at the block's commit).
 */
export const BLOCKS_NOTIFICATION = 'datasync_blocks';

/** A place in a channel's event order: the event at (block, transaction, event) index. */
export interface EventPosition {
  block: number;
  txIndex: number;
  eventIndex: number;
}

/** A chaincode event and where it stands on its channel's ledger. */
export interface LedgerEvent {
  channel: string;
  blockNumber: number;
  txIndex: number;
  eventIndex: number;
  txId: string;
  chaincode: string;
  eventName: string;
}

export interface EventQuery {
  channel: string;
  chaincode: string;
  /** Events strictly after this position, in ledger order. */
  after: EventPosition;
  /** Exact event name, or a SQL LIKE pattern (`%`, `_`; the caller escapes literals). */
  name?: { exact: string } | { like: string };
  /** Only events whose JSON payload contains this JSON value (`@>`). */
  payloadContains?: Record<string, unknown>;
  limit: number;
}

/**
 * Chaincode events (of valid transactions only: datasync stores no others) in ledger order after
 * a position, with their transaction's time. Each block's events are committed with the block,
 * so a reader never sees part of one.
 */
export function chaincodeEventsAfter(db: MirrorDb, query: EventQuery) {
  let select = db
    .selectFrom('chaincode_events as e')
    .innerJoin('transactions as t', (join) =>
      join
        .onRef('t.channel', '=', 'e.channel')
        .onRef('t.block_number', '=', 'e.block_number')
        .onRef('t.tx_index', '=', 'e.tx_index'),
    )
    .select([
      'e.block_number',
      'e.tx_index',
      'e.event_index',
      'e.tx_id',
      'e.chaincode',
      'e.event_name',
      'e.payload',
      'e.payload_json',
      't.timestamp',
      't.creator_msp',
    ])
    .where('e.channel', '=', query.channel)
    .where('e.chaincode', '=', query.chaincode)
    .where((eb) =>
      eb(
        eb.refTuple('e.block_number', 'e.tx_index', 'e.event_index'),
        '>',
        eb.tuple(String(query.after.block), query.after.txIndex, query.after.eventIndex),
      ),
    );
  const name = query.name;
  if (name && 'exact' in name) select = select.where('e.event_name', '=', name.exact);
  if (name && 'like' in name) select = select.where('e.event_name', 'like', name.like);
  if (query.payloadContains) {
    const contains = JSON.stringify(query.payloadContains);
    select = select.where((eb) => eb('e.payload_json', '@>', eb.cast(eb.val(contains), 'jsonb')));
  }
  return select
    .orderBy('e.block_number')
    .orderBy('e.tx_index')
    .orderBy('e.event_index')
    .limit(query.limit)
    .execute();
}

export type ChaincodeEventRow = Awaited<ReturnType<typeof chaincodeEventsAfter>>[number];
