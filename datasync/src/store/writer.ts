// SPDX-License-Identifier: Apache-2.0
import type { PoolClient } from 'pg';
import type pg from 'pg';

import { escapeKey, jsonDocument, parseCompositeKey } from '../decode/keys';
import { BLOCKS_NOTIFICATION } from '../read/events';
import type { DecodedBlock, DecodedWrite } from '../decode/types';

export type ApplyResult =
  | { status: 'applied'; transactions: number; events: number }
  | { status: 'duplicate' }
  | { status: 'gap'; expected: number };

const VALID = 0;

/** A block that does not chain onto the mirror's last block: a different ledger or a fork. */
export class ChainLinkError extends Error {
  constructor(
    readonly channel: string,
    readonly blockNumber: number,
    readonly expectedPreviousHash: string,
    readonly actualPreviousHash: string,
  ) {
    super(
      `block ${blockNumber} of ${channel} does not follow the mirrored chain: previous hash ` +
        `${actualPreviousHash} instead of ${expectedPreviousHash}`,
    );
    this.name = 'ChainLinkError';
  }
}

/** The number of the next block to mirror for a channel (0 when nothing is mirrored yet). */
export async function nextBlockNumber(db: pg.Pool | PoolClient, channel: string): Promise<number> {
  const { rows } = await db.query<{ last_block: string }>(
    'SELECT last_block FROM checkpoints WHERE channel = $1',
    [channel],
  );
  return rows[0] ? Number(rows[0].last_block) + 1 : 0;
}

interface StoredWrite {
  txIndex: number;
  txId: string;
  writeIndex: number;
  write: DecodedWrite;
}

/** The last write of each key within the block's VALID transactions, in ledger order. */
export function finalWrites(block: DecodedBlock): StoredWrite[] {
  const last = new Map<string, StoredWrite>();
  for (const tx of block.transactions) {
    if (tx.validationCode !== VALID) continue;
    tx.writes.forEach((write, writeIndex) => {
      const id = JSON.stringify([write.namespace, write.collection, write.key]);
      last.delete(id); // re-insert so iteration order follows the latest write
      last.set(id, { txIndex: tx.index, txId: tx.txId, writeIndex, write });
    });
  }
  return [...last.values()];
}

function keyColumns(write: DecodedWrite) {
  const composite = parseCompositeKey(write.key);
  return {
    key: escapeKey(write.key),
    objectType: composite?.objectType ?? null,
    attributes: composite ? JSON.stringify(composite.attributes) : null,
  };
}

function jsonOrNull(value: Buffer | null): string | null {
  return jsonDocument(value) ?? null;
}

async function insertBlockRows(client: PoolClient, block: DecodedBlock): Promise<number> {
  const { channel, number } = block;
  await client.query(
    `INSERT INTO blocks (channel, number, hash, previous_hash, data_hash, data_hash_valid,
                         tx_count, is_config, timestamp)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
    [
      channel,
      number,
      block.hash,
      block.previousHash,
      block.dataHash,
      block.dataHashValid,
      block.transactions.length,
      block.isConfig,
      block.timestamp,
    ],
  );
  const txs = block.transactions;
  if (txs.length === 0) return 0;
  await client.query(
    `INSERT INTO transactions (channel, block_number, tx_index, tx_id, type, creator_msp,
                               creator_subject, chaincode, function, validation_code,
                               validation_name, timestamp, correlation_id)
     SELECT $1::text, $2::bigint, * FROM unnest($3::int[], $4::text[], $5::text[], $6::text[],
            $7::text[], $8::text[], $9::text[], $10::int[], $11::text[], $12::timestamptz[],
            $13::text[])
     ON CONFLICT DO NOTHING`,
    [
      channel,
      number,
      txs.map((tx) => tx.index),
      txs.map((tx) => tx.txId),
      txs.map((tx) => tx.type),
      txs.map((tx) => tx.creatorMsp),
      txs.map((tx) => tx.creatorSubject),
      txs.map((tx) => tx.chaincode),
      txs.map((tx) => tx.functionName),
      txs.map((tx) => tx.validationCode),
      txs.map((tx) => tx.validationName),
      txs.map((tx) => tx.timestamp),
      txs.map((tx) => tx.correlationId),
    ],
  );

  const writes = txs.flatMap((tx) =>
    tx.writes.map((write, writeIndex) => ({ tx, writeIndex, write, ...keyColumns(write) })),
  );
  if (writes.length > 0) {
    await client.query(
      `INSERT INTO writes (channel, block_number, tx_index, write_index, tx_id, namespace,
                           collection, key, object_type, key_attributes, value, value_json,
                           is_delete)
       SELECT $1::text, $2::bigint, * FROM unnest($3::int[], $4::int[], $5::text[], $6::text[],
              $7::text[], $8::text[], $9::text[], $10::jsonb[], $11::bytea[], $12::jsonb[],
              $13::boolean[])
       ON CONFLICT DO NOTHING`,
      [
        channel,
        number,
        writes.map((row) => row.tx.index),
        writes.map((row) => row.writeIndex),
        writes.map((row) => row.tx.txId),
        writes.map((row) => row.write.namespace),
        writes.map((row) => row.write.collection),
        writes.map((row) => row.key),
        writes.map((row) => row.objectType),
        writes.map((row) => row.attributes),
        writes.map((row) => row.write.value),
        writes.map((row) => jsonOrNull(row.write.value)),
        writes.map((row) => row.write.isDelete),
      ],
    );
  }

  // Only VALID transactions' events happened; they go to the mirror and to the outbox.
  const events = txs
    .filter((tx) => tx.validationCode === VALID)
    .flatMap((tx) => tx.events.map((event, eventIndex) => ({ tx, eventIndex, event })));
  if (events.length > 0) {
    const columns = [
      channel,
      number,
      events.map((row) => row.tx.index),
      events.map((row) => row.eventIndex),
      events.map((row) => row.tx.txId),
      events.map((row) => row.event.chaincode),
      events.map((row) => row.event.name),
      events.map((row) => row.event.payload),
    ];
    await client.query(
      `INSERT INTO chaincode_events (channel, block_number, tx_index, event_index, tx_id,
                                     chaincode, event_name, payload, payload_json)
       SELECT $1::text, $2::bigint, * FROM unnest($3::int[], $4::int[], $5::text[], $6::text[],
              $7::text[], $8::bytea[], $9::jsonb[])
       ON CONFLICT DO NOTHING`,
      [...columns, events.map((row) => jsonOrNull(row.event.payload))],
    );
    // unnest yields rows in array order, so outbox ids follow ledger order
    await client.query(
      `INSERT INTO outbox (channel, block_number, tx_index, event_index, tx_id, chaincode,
                           event_name, payload)
       SELECT $1::text, $2::bigint, i, e, t, c, n, p
       FROM unnest($3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::bytea[])
            WITH ORDINALITY AS r(i, e, t, c, n, p, position)
       ORDER BY position
       ON CONFLICT DO NOTHING`,
      columns,
    );
  }
  await applyWorldState(client, block);
  return events.length;
}

async function applyWorldState(client: PoolClient, block: DecodedBlock): Promise<void> {
  const timestamps = new Map(block.transactions.map((tx) => [tx.index, tx.timestamp]));
  const final = finalWrites(block).map((row) => ({ ...row, ...keyColumns(row.write) }));
  const puts = final.filter((row) => !row.write.isDelete);
  const deletes = final.filter((row) => row.write.isDelete);
  if (puts.length > 0) {
    await client.query(
      `INSERT INTO world_state (channel, namespace, collection, key, object_type, key_attributes,
                                value, value_json, block_number, tx_index, tx_id, updated_at)
       SELECT $1::text, n, c, k, o, a, v, j, $2::bigint, i, t, u
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::bytea[],
                   $9::jsonb[], $10::int[], $11::text[], $12::timestamptz[])
            AS w(n, c, k, o, a, v, j, i, t, u)
       ON CONFLICT (channel, namespace, collection, key) DO UPDATE
         SET object_type = excluded.object_type, key_attributes = excluded.key_attributes,
             value = excluded.value, value_json = excluded.value_json,
             block_number = excluded.block_number, tx_index = excluded.tx_index,
             tx_id = excluded.tx_id, updated_at = excluded.updated_at
         WHERE (world_state.block_number, world_state.tx_index)
             < (excluded.block_number, excluded.tx_index)`,
      [
        block.channel,
        block.number,
        puts.map((row) => row.write.namespace),
        puts.map((row) => row.write.collection),
        puts.map((row) => row.key),
        puts.map((row) => row.objectType),
        puts.map((row) => row.attributes),
        puts.map((row) => row.write.value ?? Buffer.alloc(0)),
        puts.map((row) => jsonOrNull(row.write.value)),
        puts.map((row) => row.txIndex),
        puts.map((row) => row.txId),
        puts.map((row) => timestamps.get(row.txIndex) ?? null),
      ],
    );
  }
  if (deletes.length > 0) {
    await client.query(
      `DELETE FROM world_state ws
       USING unnest($3::text[], $4::text[], $5::text[], $6::int[]) AS d(n, c, k, i)
       WHERE ws.channel = $1 AND ws.namespace = d.n AND ws.collection = d.c AND ws.key = d.k
         AND (ws.block_number, ws.tx_index) < ($2::bigint, d.i)`,
      [
        block.channel,
        block.number,
        deletes.map((row) => row.write.namespace),
        deletes.map((row) => row.write.collection),
        deletes.map((row) => row.key),
        deletes.map((row) => row.txIndex),
      ],
    );
  }
}

/**
 * Applies one block and moves the channel's checkpoint, in one Postgres transaction. The
 * checkpoint row is locked first, so a block already applied is skipped (replays are no-ops)
 * and a block beyond the next expected one is refused as a gap, never skipped over.
 */
export async function applyBlock(pool: pg.Pool, block: DecodedBlock): Promise<ApplyResult> {
  const client = await pool.connect();
  let release: Error | undefined;
  // a server that goes away mid-block is reported through the failing query; without a
  // listener the client's own 'error' event would crash the process
  const ignore = () => undefined;
  client.on('error', ignore);
  try {
    await client.query('BEGIN');
    await client.query(
      'INSERT INTO checkpoints (channel) VALUES ($1) ON CONFLICT (channel) DO NOTHING',
      [block.channel],
    );
    const { rows } = await client.query<{ last_block: string; last_hash: string | null }>(
      'SELECT last_block, last_hash FROM checkpoints WHERE channel = $1 FOR UPDATE',
      [block.channel],
    );
    const checkpoint = rows[0];
    if (!checkpoint) throw new Error(`checkpoint row for ${block.channel} vanished`);
    const lastBlock = Number(checkpoint.last_block);
    if (block.number <= lastBlock) {
      await client.query('ROLLBACK');
      return { status: 'duplicate' };
    }
    if (block.number > lastBlock + 1) {
      await client.query('ROLLBACK');
      return { status: 'gap', expected: lastBlock + 1 };
    }
    const lastHash = checkpoint.last_hash;
    if (lastHash !== null && lastHash !== block.previousHash) {
      throw new ChainLinkError(block.channel, block.number, lastHash, block.previousHash);
    }
    const events = await insertBlockRows(client, block);
    // The notification goes out at COMMIT, so a listener woken by it reads the whole block.
    await client.query(
      `WITH moved AS (
         UPDATE checkpoints SET last_block = $2, last_hash = $3, updated_at = now()
          WHERE channel = $1 RETURNING channel, last_block)
       SELECT pg_notify($4, json_build_object('channel', channel, 'block', last_block)::text)
         FROM moved`,
      [block.channel, block.number, block.hash, BLOCKS_NOTIFICATION],
    );
    await client.query('COMMIT');
    return { status: 'applied', transactions: block.transactions.length, events };
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      // the connection itself is gone: do not return it to the pool
      release = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.removeListener('error', ignore);
    client.release(release);
  }
}
