// SPDX-License-Identifier: Apache-2.0
import type { PoolClient } from 'pg';
import type pg from 'pg';

import type { DecodedBlock } from '../decode/types';
import { BLOCKS_NOTIFICATION } from '../read/events';
import { addActivity } from './activity';
import { insertLedgerRows } from './rows';
import { applyWorldState } from './world-state';

export { finalWrites } from './world-state';
export type { StoredWrite } from './world-state';

export type ApplyResult =
  | { status: 'applied'; blocks: number; transactions: number; events: number }
  | { status: 'duplicate' }
  | { status: 'gap'; expected: number };

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

/** Applies one block and moves the channel's checkpoint, in one Postgres transaction. */
export function applyBlock(pool: pg.Pool, block: DecodedBlock): Promise<ApplyResult> {
  return applyBlocks(pool, [block]);
}

/**
 * Applies consecutive blocks of one channel and moves its checkpoint past the last, in one
 * Postgres transaction: all of them or none. The checkpoint row is locked first, so blocks
 * already applied are skipped (replays are no-ops) and a first block beyond the next expected
 * one is refused as a gap, never skipped over. One notification announces the last block at
 * COMMIT. Catching up in batches pays one commit and one statement per table per batch.
 */
export async function applyBlocks(pool: pg.Pool, blocks: DecodedBlock[]): Promise<ApplyResult> {
  const [first] = blocks;
  if (!first) throw new Error('no blocks to apply');
  const channel = first.channel;
  blocks.forEach((block, index) => {
    if (block.channel !== channel || block.number !== first.number + index) {
      throw new Error(`blocks applied together must be consecutive blocks of one channel`);
    }
  });
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
      [channel],
    );
    const { rows } = await client.query<{ last_block: string; last_hash: string | null }>(
      'SELECT last_block, last_hash FROM checkpoints WHERE channel = $1 FOR UPDATE',
      [channel],
    );
    const checkpoint = rows[0];
    if (!checkpoint) throw new Error(`checkpoint row for ${channel} vanished`);
    const lastBlock = Number(checkpoint.last_block);
    const fresh = blocks.filter((block) => block.number > lastBlock);
    const [next] = fresh;
    if (!next) {
      await client.query('ROLLBACK');
      return { status: 'duplicate' };
    }
    if (next.number > lastBlock + 1) {
      await client.query('ROLLBACK');
      return { status: 'gap', expected: lastBlock + 1 };
    }
    let previousHash = checkpoint.last_hash;
    for (const block of fresh) {
      if (previousHash !== null && previousHash !== block.previousHash) {
        throw new ChainLinkError(channel, block.number, previousHash, block.previousHash);
      }
      previousHash = block.hash;
    }
    const events = await insertLedgerRows(client, channel, fresh);
    await applyWorldState(client, channel, fresh);
    await addActivity(client, channel, fresh);
    const last = fresh[fresh.length - 1] ?? next;
    // The notification goes out at COMMIT, so a listener woken by it reads whole blocks.
    await client.query(
      `WITH moved AS (
         UPDATE checkpoints SET last_block = $2, last_hash = $3, updated_at = now()
          WHERE channel = $1 RETURNING channel, last_block)
       SELECT pg_notify($4, json_build_object('channel', channel, 'block', last_block)::text)
         FROM moved`,
      [channel, last.number, last.hash, BLOCKS_NOTIFICATION],
    );
    await client.query('COMMIT');
    const transactions = fresh.reduce((sum, block) => sum + block.transactions.length, 0);
    return { status: 'applied', blocks: fresh.length, transactions, events };
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
