// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';
import type pg from 'pg';

import { decodeBlock, decodeEnvelope } from '../decode/block';
import { unescapeKey } from '../decode/keys';
import type { LedgerQueries } from '../source/block-source';
import type { Difference } from '../store/consistency';
import { checkMirror, mirroredChannels } from '../store/consistency';

export interface ChannelVerification {
  channel: string;
  mirroredBlocks: number;
  ledgerHeight?: number;
  blocksCompared: number;
  keysSampled: number;
}

export interface VerifyReport {
  channels: ChannelVerification[];
  differences: Difference[];
  clean: boolean;
}

export interface VerifyOptions {
  pool: pg.Pool;
  /** Without a ledger only the mirror's internal consistency is checked. */
  ledger?: LedgerQueries;
  channels?: string[];
  sampleSize: number;
  /** How long a mirror behind the ledger may take to catch up before that is a difference. */
  catchUpMs?: number;
  logger?: Logger;
}

interface MirroredBlock {
  number: string;
  hash: string;
  previous_hash: string;
  data_hash: string;
  tx_count: number;
  tx_ids: string[];
}

/** A pool, or one client holding the snapshot a channel is verified in. */
type Queryable = Pick<pg.ClientBase, 'query'>;

async function compareBlocks(
  pool: Queryable,
  ledger: LedgerQueries,
  channel: string,
  count: number,
  differences: Difference[],
): Promise<void> {
  const batch = 500;
  for (let from = 0; from < count; from += batch) {
    const { rows } = await pool.query<MirroredBlock>(
      `SELECT b.number, b.hash, b.previous_hash, b.data_hash, b.tx_count,
              COALESCE(array_agg(t.tx_id ORDER BY t.tx_index) FILTER (WHERE t.tx_index IS NOT NULL), '{}') AS tx_ids
       FROM blocks b
       LEFT JOIN transactions t ON t.channel = b.channel AND t.block_number = b.number
       WHERE b.channel = $1 AND b.number >= $2 AND b.number < $3
       GROUP BY b.channel, b.number ORDER BY b.number`,
      [channel, from, Math.min(count, from + batch)],
    );
    const mirrored = new Map(rows.map((row) => [Number(row.number), row]));
    for (let number = from; number < Math.min(count, from + batch); number++) {
      const stored = mirrored.get(number);
      if (!stored) continue; // reported by the offline check
      const onLedger = decodeBlock(await ledger.blockByNumber(channel, number));
      const report = (problem: string) => differences.push({ channel, block: number, problem });
      if (onLedger.hash !== stored.hash)
        report(`hash ${stored.hash} but ${onLedger.hash} on the ledger`);
      if (onLedger.previousHash !== stored.previous_hash) {
        report(`previous hash ${stored.previous_hash} but ${onLedger.previousHash} on the ledger`);
      }
      if (onLedger.dataHash !== stored.data_hash) report('data hash differs from the ledger');
      if (onLedger.transactions.length !== stored.tx_count) {
        report(`${stored.tx_count} transactions but ${onLedger.transactions.length} on the ledger`);
      }
      const ledgerIds = onLedger.transactions.map((tx) => tx.txId);
      if (ledgerIds.join('\n') !== stored.tx_ids.join('\n'))
        report('transaction ids differ from the ledger');
    }
  }
}

interface SampledKey {
  namespace: string;
  key: string;
  value: Buffer;
  tx_id: string;
  block_number: string;
}

async function compareSampledState(
  pool: Queryable,
  ledger: LedgerQueries,
  channel: string,
  sampleSize: number,
  differences: Difference[],
): Promise<number> {
  // Private collections are left out: other orgs' peers cannot confirm them.
  const { rows } = await pool.query<SampledKey>(
    `SELECT namespace, key, value, tx_id, block_number FROM world_state
     WHERE channel = $1 AND collection = '' ORDER BY random() LIMIT $2`,
    [channel, sampleSize],
  );
  for (const row of rows) {
    const report = (problem: string) =>
      differences.push({ channel, key: `${row.namespace}:${row.key}`, problem });
    const committed = await ledger.transactionById(channel, row.tx_id);
    const tx = decodeEnvelope(committed.envelope, 0, committed.validationCode, undefined);
    if (committed.validationCode !== 0) {
      report(`set by transaction ${row.tx_id}, which the ledger marks ${tx.validationName}`);
      continue;
    }
    const rawKey = unescapeKey(row.key);
    const write = tx.writes
      .filter((candidate) => candidate.namespace === row.namespace && candidate.key === rawKey)
      .at(-1);
    if (!write || write.isDelete) {
      report(`transaction ${row.tx_id} on the ledger does not write this key`);
    } else if (!write.value?.equals(row.value)) {
      report(`value differs from what transaction ${row.tx_id} wrote on the ledger`);
    }
  }
  return rows.length;
}

async function mirroredCount(pool: Queryable, channel: string): Promise<number> {
  const { rows } = await pool.query<{ last_block: string }>(
    'SELECT last_block FROM checkpoints WHERE channel = $1',
    [channel],
  );
  return rows[0] ? Number(rows[0].last_block) + 1 : 0;
}

/**
 * The number of blocks mirrored, after giving a running datasync up to `catchUpMs` to reach
 * `height` (the ledger grows while it is read; a mirror still behind after that is reported).
 */
async function caughtUp(
  pool: pg.Pool,
  channel: string,
  height: number | undefined,
  catchUpMs: number,
): Promise<number> {
  const deadline = Date.now() + catchUpMs;
  for (;;) {
    const mirrored = await mirroredCount(pool, channel);
    if (height === undefined || mirrored >= height || Date.now() >= deadline) return mirrored;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Checks the mirror: always its internal consistency (hash chain, tx counts, world state against
 * the writes); with a ledger also every mirrored block's hash, previous hash, data hash, tx
 * count and tx ids against the peer, and a random sample of world-state keys against the
 * transactions that set them.
 */
export async function verifyMirror(options: VerifyOptions): Promise<VerifyReport> {
  const { pool, logger } = options;
  const channels = options.channels?.length ? options.channels : await mirroredChannels(pool);
  if (channels.length === 0) {
    // an empty mirror has no channel to name; saying "no differences" would be a lie
    return {
      channels: [],
      differences: [{ channel: '(none)', problem: 'the mirror holds no channel at all' }],
      clean: false,
    };
  }
  const differences: Difference[] = [];
  const summaries: ChannelVerification[] = [];
  for (const channel of channels) {
    const summary = await verifyChannel(options, channel, differences);
    logger?.info(summary, 'channel verified');
    summaries.push(summary);
  }
  return { channels: summaries, differences, clean: differences.length === 0 };
}

async function verifyChannel(
  options: VerifyOptions,
  channel: string,
  differences: Difference[],
): Promise<ChannelVerification> {
  const { pool, ledger } = options;
  // The mirror must reach the height read now; blocks added later are not its lag.
  const startHeight = ledger ? await ledger.height(channel) : undefined;
  await caughtUp(pool, channel, startHeight, options.catchUpMs ?? 0);
  const client = await pool.connect();
  try {
    // One snapshot for every check: a running datasync keeps writing meanwhile.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    differences.push(...(await checkMirror(client, channel)));
    const mirroredBlocks = await mirroredCount(client, channel);
    const summary: ChannelVerification = {
      channel,
      mirroredBlocks,
      blocksCompared: 0,
      keysSampled: 0,
    };
    if (!ledger || startHeight === undefined) {
      if (mirroredBlocks === 0) {
        differences.push({ channel, problem: 'the mirror holds no block of this channel' });
      }
      return summary;
    }
    // read again: the mirror may have followed the ledger past the height read at the start
    const height = Math.max(startHeight, await ledger.height(channel));
    summary.ledgerHeight = height;
    if (mirroredBlocks > height) {
      differences.push({
        channel,
        problem: `mirror holds ${mirroredBlocks} blocks, the ledger only ${height}`,
      });
    } else if (mirroredBlocks < startHeight) {
      differences.push({
        channel,
        problem: `mirror is behind: it holds ${mirroredBlocks} of the ledger's ${startHeight} blocks`,
      });
    }
    summary.blocksCompared = Math.min(mirroredBlocks, height);
    await compareBlocks(client, ledger, channel, summary.blocksCompared, differences);
    summary.keysSampled = await compareSampledState(
      client,
      ledger,
      channel,
      options.sampleSize,
      differences,
    );
    return summary;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

export function formatReport(report: VerifyReport): string {
  const lines = report.channels.map((summary) => {
    const ledger =
      summary.ledgerHeight === undefined
        ? 'ledger not consulted (offline)'
        : `ledger height ${summary.ledgerHeight}, ${summary.blocksCompared} blocks compared, ${summary.keysSampled} keys sampled`;
    return `${summary.channel}: ${summary.mirroredBlocks} blocks mirrored; ${ledger}`;
  });
  if (report.clean) lines.push('no differences');
  for (const difference of report.differences) {
    const where = [
      difference.channel,
      difference.block === undefined ? undefined : `block ${difference.block}`,
      difference.key,
    ]
      .filter(Boolean)
      .join(' ');
    lines.push(`DIFFERENCE ${where}: ${difference.problem}`);
  }
  return lines.join('\n');
}
