// SPDX-License-Identifier: Apache-2.0
import type { PoolClient } from 'pg';

import { escapeKey, jsonDocument, parseCompositeKey } from '../decode/keys';
import type { DecodedBlock, DecodedWrite } from '../decode/types';

export const VALID = 0;

/** A write's key as stored: escaped, with its composite parts apart. */
export function keyColumns(write: DecodedWrite) {
  const composite = parseCompositeKey(write.key);
  return {
    key: escapeKey(write.key),
    objectType: composite?.objectType ?? null,
    account: composite?.attributes[0] ?? null,
    attributes: composite ? JSON.stringify(composite.attributes) : null,
  };
}

export function jsonOrNull(value: Buffer | null): string | null {
  return jsonDocument(value) ?? null;
}

/** Column arrays for one multi-row `unnest` insert: one entry per row, in row order. */
function columns<Row>(rows: Row[], pick: ((row: Row) => unknown)[]): unknown[][] {
  return pick.map((column) => rows.map(column));
}

/**
 * Inserts the blocks' ledger rows (blocks, transactions, writes, events, outbox), each table in
 * one statement whatever the number of blocks: a catch-up pays a round trip per table per
 * batch, not per block. Returns the number of events (of valid transactions) stored.
 */
export async function insertLedgerRows(
  client: PoolClient,
  channel: string,
  blocks: DecodedBlock[],
): Promise<number> {
  await client.query(
    `INSERT INTO blocks (channel, number, hash, previous_hash, data_hash, data_hash_valid,
                         tx_count, is_config, timestamp)
     SELECT $1::text, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[],
            $6::boolean[], $7::int[], $8::boolean[], $9::timestamptz[])
     ON CONFLICT DO NOTHING`,
    [
      channel,
      ...columns(blocks, [
        (block) => block.number,
        (block) => block.hash,
        (block) => block.previousHash,
        (block) => block.dataHash,
        (block) => block.dataHashValid,
        (block) => block.transactions.length,
        (block) => block.isConfig,
        (block) => block.timestamp,
      ]),
    ],
  );
  const txs = blocks.flatMap((block) => block.transactions.map((tx) => ({ block, tx })));
  if (txs.length === 0) return 0;
  await client.query(
    `INSERT INTO transactions (channel, block_number, tx_index, tx_id, type, creator_msp,
                               creator_subject, chaincode, function, validation_code,
                               validation_name, timestamp, correlation_id)
     SELECT $1::text, * FROM unnest($2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[],
            $7::text[], $8::text[], $9::text[], $10::int[], $11::text[], $12::timestamptz[],
            $13::text[])
     ON CONFLICT DO NOTHING`,
    [
      channel,
      ...columns(txs, [
        (row) => row.block.number,
        (row) => row.tx.index,
        (row) => row.tx.txId,
        (row) => row.tx.type,
        (row) => row.tx.creatorMsp,
        (row) => row.tx.creatorSubject,
        (row) => row.tx.chaincode,
        (row) => row.tx.functionName,
        (row) => row.tx.validationCode,
        (row) => row.tx.validationName,
        (row) => row.tx.timestamp,
        (row) => row.tx.correlationId,
      ]),
    ],
  );

  const writes = txs.flatMap(({ block, tx }) =>
    tx.writes.map((write, writeIndex) => ({ block, tx, writeIndex, write, ...keyColumns(write) })),
  );
  if (writes.length > 0) {
    await client.query(
      `INSERT INTO writes (channel, block_number, tx_index, write_index, tx_id, namespace,
                           collection, key, object_type, key_attributes, value, value_json,
                           is_delete)
       SELECT $1::text, * FROM unnest($2::bigint[], $3::int[], $4::int[], $5::text[], $6::text[],
              $7::text[], $8::text[], $9::text[], $10::jsonb[], $11::bytea[], $12::jsonb[],
              $13::boolean[])
       ON CONFLICT DO NOTHING`,
      [
        channel,
        ...columns(writes, [
          (row) => row.block.number,
          (row) => row.tx.index,
          (row) => row.writeIndex,
          (row) => row.tx.txId,
          (row) => row.write.namespace,
          (row) => row.write.collection,
          (row) => row.key,
          (row) => row.objectType,
          (row) => row.attributes,
          (row) => row.write.value,
          (row) => jsonOrNull(row.write.value),
          (row) => row.write.isDelete,
        ]),
      ],
    );
  }

  // Only VALID transactions' events happened; they go to the mirror and to the outbox.
  const events = txs
    .filter(({ tx }) => tx.validationCode === VALID)
    .flatMap(({ block, tx }) =>
      tx.events.map((event, eventIndex) => ({ block, tx, eventIndex, event })),
    );
  if (events.length === 0) return 0;
  const eventColumns = columns(events, [
    (row) => row.block.number,
    (row) => row.tx.index,
    (row) => row.eventIndex,
    (row) => row.tx.txId,
    (row) => row.event.chaincode,
    (row) => row.event.name,
    (row) => row.event.payload,
  ]);
  await client.query(
    `INSERT INTO chaincode_events (channel, block_number, tx_index, event_index, tx_id,
                                   chaincode, event_name, payload, payload_json)
     SELECT $1::text, * FROM unnest($2::bigint[], $3::int[], $4::int[], $5::text[], $6::text[],
            $7::text[], $8::bytea[], $9::jsonb[])
     ON CONFLICT DO NOTHING`,
    [channel, ...eventColumns, events.map((row) => jsonOrNull(row.event.payload))],
  );
  // unnest yields rows in array order, so outbox ids follow ledger order
  await client.query(
    `INSERT INTO outbox (channel, block_number, tx_index, event_index, tx_id, chaincode,
                         event_name, payload)
     SELECT $1::text, b, i, e, t, c, n, p
     FROM unnest($2::bigint[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[],
                 $8::bytea[]) WITH ORDINALITY AS r(b, i, e, t, c, n, p, position)
     ORDER BY position
     ON CONFLICT DO NOTHING`,
    [channel, ...eventColumns],
  );
  return events.length;
}
